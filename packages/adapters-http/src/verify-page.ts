/**
 * GET /verify/{lottery_id}: a self-contained page that redoes a fairdraw-v1 draw in the visitor's
 * browser from the public records alone (WebCrypto for SHA-256 and HMAC, BigInt for the u64
 * reads). No external resources. The script and style never change (the lottery id travels in a
 * data attribute), so the page's own CSP can pin them by hash; a route that sends a
 * Content-Security-Policy header must allow the same hashes, since a meta policy can only narrow it.
 */
import { createHash } from 'node:crypto';

const SCRIPT = String.raw`
(async () => {
  'use strict';
  const app = document.getElementById('app');
  const id = app.dataset.lotteryId;
  const status = document.getElementById('status');
  const steps = document.getElementById('steps');
  const winnersBody = document.querySelector('#winners tbody');
  const problems = [];
  const say = (list, ok, text) => {
    const li = document.createElement('li');
    li.className = ok ? 'ok' : 'bad';
    li.textContent = (ok ? '\u2713 ' : '\u2717 ') + text;
    list.appendChild(li);
    if (!ok) problems.push(text);
  };
  const finish = (result, text) => {
    status.dataset.result = result;
    status.className = result;
    status.textContent = text;
  };
  const enc = new TextEncoder();
  const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
  const isHex64 = (s) => typeof s === 'string' && /^[0-9a-f]{64}$/.test(s);
  const fromHex = (s) => new Uint8Array(s.match(/../g).map((h) => parseInt(h, 16)));
  const hmacKey = (raw) => crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const get = async (path, as) => {
    const response = await fetch(path, { headers: { accept: as === 'json' ? 'application/json' : 'text/plain' } });
    if (!response.ok) throw new Error('GET ' + path + ' answered ' + response.status);
    return as === 'json' ? response.json() : response.arrayBuffer();
  };

  // Step 4 of API.md: HMAC(randomness, uint32_be(i)) blocks, read as u64 big-endian, with rejection.
  const drawStream = async (randomness) => {
    const key = await hmacKey(randomness);
    let bytes = new Uint8Array(0);
    let block = 0;
    const nextU64 = async () => {
      while (bytes.length < 8) {
        const counter = new Uint8Array(4);
        new DataView(counter.buffer).setUint32(0, block++, false);
        const more = new Uint8Array(await crypto.subtle.sign('HMAC', key, counter));
        const joined = new Uint8Array(bytes.length + more.length);
        joined.set(bytes);
        joined.set(more, bytes.length);
        bytes = joined;
      }
      const x = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, false);
      bytes = bytes.subarray(8);
      return x;
    };
    const TWO_64 = 1n << 64n;
    return async (m) => {
      const big = BigInt(m);
      const limit = TWO_64 - (TWO_64 % big);
      for (;;) {
        const x = await nextU64();
        if (x < limit) return Number(x % big);
      }
    };
  };

  try {
    if (!window.crypto || !crypto.subtle) throw new Error('this browser offers no WebCrypto here (it needs HTTPS)');
    const base = '/lotteries/' + encodeURIComponent(id);
    const [lottery, record] = await Promise.all([get(base, 'json'), get(base + '/draw', 'json')]);
    if (record.algorithm !== 'fairdraw-v1') return finish('mismatch', 'Cannot check algorithm ' + record.algorithm + '.');
    if (record.status === 'cancelled') return finish('not-drawn', 'Cancelled: this lottery will never be drawn (its purchases were refunded).');
    if (record.status !== 'drawn' || !record.seed) return finish('not-drawn', 'Not drawn yet: the seed is published with the draw.');
    // Only now: an open lottery does not serve its entries yet.
    const entriesBytes = await get(base + '/entries', 'text');
    say(steps, record.lottery_id === lottery.id, 'the draw record is for lottery ' + lottery.id);
    say(steps, record.commitment === lottery.commitment, 'the draw repeats the published commitment ' + lottery.commitment);
    if (!isHex64(record.seed)) throw new Error('the seed is not 64 lower-case hex digits');
    const seed = fromHex(record.seed);
    const opened = hex(await crypto.subtle.digest('SHA-256', seed));
    say(steps, opened === lottery.commitment, 'sha256(seed) = ' + opened + (opened === lottery.commitment ? ' opens the commitment' : ' does NOT open the commitment'));

    const digest = hex(await crypto.subtle.digest('SHA-256', entriesBytes));
    say(steps, digest === record.entries_digest, 'sha256(entries) = ' + digest + (digest === record.entries_digest ? '' : ', the record says ' + record.entries_digest));
    const text = new TextDecoder('utf-8', { fatal: true }).decode(entriesBytes);
    const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
    const LINE = /^([1-9][0-9]*):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
    const entries = lines.map((line) => LINE.exec(line));
    const canonical = entries.every((m, i) => m && (i === 0 || Number(m[1]) > Number(entries[i - 1][1]))) && (text === '' || text.endsWith('\n'));
    say(steps, canonical, 'the entries are canonical lines in ascending ticket order');
    say(steps, lines.length === record.n, 'n = ' + lines.length + (lines.length === record.n ? '' : ', the record says ' + record.n));

    const key = await hmacKey(seed);
    const message = enc.encode('fairdraw-v1|' + lottery.id + '|' + digest);
    const randomness = new Uint8Array(await crypto.subtle.sign('HMAC', key, message));
    say(steps, record.randomness === undefined || record.randomness === hex(randomness), 'randomness = ' + hex(randomness));

    // Step 5: the partial Fisher-Yates, positions kept in a map so huge n costs O(k).
    // Step 6: prizes in rank order, each to as many winners as its amount.
    const prizeOf = (j) => {
      for (const p of lottery.prizes) {
        if (j < p.amount) return p.name;
        j -= p.amount;
      }
      return null;
    };
    const n = lines.length;
    const k = Math.min(n, lottery.prizes.reduce((sum, p) => sum + p.amount, 0));
    const uniform = await drawStream(randomness);
    const moved = new Map();
    const at = (i) => (moved.has(i) ? moved.get(i) : i);
    for (let j = 0; j < k; j++) {
      const r = j + (await uniform(n - j));
      const pj = at(j);
      const pr = at(r);
      moved.set(j, pr);
      moved.set(r, pj);
      const m = entries[pr];
      const claimed = record.winners[j] || {};
      const ok = m !== null && claimed.rank === j + 1 && claimed.prize === prizeOf(j) && claimed.ticket_number === Number(m[1]) && claimed.ballot_id === m[2];
      const tr = document.createElement('tr');
      tr.className = ok ? 'ok' : 'bad';
      for (const cell of [j + 1, prizeOf(j), m ? m[1] : '?', m ? m[2] : '?', ok ? '\u2713' : '\u2717 the record says ' + claimed.ticket_number + ':' + claimed.ballot_id + ' (' + claimed.prize + ')']) {
        const td = document.createElement('td');
        td.textContent = String(cell);
        tr.appendChild(td);
      }
      winnersBody.appendChild(tr);
      if (!ok) problems.push('winner ' + (j + 1));
    }
    say(steps, record.winners.length === k, k + ' winners = min(n, prize units)' + (record.winners.length === k ? '' : ', the record lists ' + record.winners.length));
    if (problems.length === 0) finish('verified', 'Verified: every winner follows from the seed, the lottery and the entries.');
    else finish('mismatch', 'Mismatch: ' + problems.join('; '));
  } catch (error) {
    finish('error', 'Could not verify: ' + (error instanceof Error ? error.message : String(error)));
  }
})();
`;

const STYLE = `
body { font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }
code, td { font-family: ui-monospace, monospace; font-size: 0.9em; word-break: break-all; }
.ok { color: #1a7f37; } .bad, .mismatch, .error { color: #cf222e; } .verified { color: #1a7f37; font-weight: bold; }
table { border-collapse: collapse; } td, th { padding: 0.2rem 0.6rem; text-align: left; border-bottom: 1px solid #ddd; }
`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
export const VERIFY_PAGE_POLICY = `default-src 'none'; script-src ${hash(SCRIPT)}; style-src ${hash(STYLE)}; connect-src 'self'; base-uri 'none'; form-action 'none'`;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export function verifyPageHtml(lotteryId: string): string {
  const id = escapeHtml(lotteryId);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${VERIFY_PAGE_POLICY}">
<title>Verify the draw of lottery ${id}</title>
<style>${STYLE}</style>
</head>
<body>
<main id="app" data-lottery-id="${id}">
<h1>Verify the draw</h1>
<p>Lottery <code>${id}</code>, algorithm fairdraw-v1. This page fetches the public lottery, draw record and entries and
recomputes the draw in your browser. It comes from the same service it checks: for an independent check run
<code>pnpm verify-draw</code> or the script in the fairdraw-v1 documentation.</p>
<p id="status" data-result="pending">Checking\u2026</p>
<ul id="steps"></ul>
<table id="winners"><thead><tr><th>rank</th><th>prize</th><th>ticket</th><th>ballot</th><th>check</th></tr></thead><tbody></tbody></table>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
