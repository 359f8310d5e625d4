/**
 * GET /verify/{lottery_id}: a page that redoes a fairdraw-v1 or fairdraw-v2 draw in the visitor's
 * browser from the public records alone (WebCrypto for SHA-256 and HMAC, BigInt for the u64
 * reads; for v2 the BLS check of the beacon with @noble/curves, served by this service under
 * /verify/assets, never a CDN). No external resources. The script and style never change (the lottery id travels in a
 * data attribute), so the page's own CSP can pin them by hash; a route that sends a
 * Content-Security-Policy header must allow the same hashes, since a meta policy can only narrow it.
 */
import { escapeHtml, hashSource as hash, pageHead } from './html-page.js';

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

  // quicknet, the default chain: its key is built in, so a lottery cannot bring a key of its own for it.
  const QUICKNET = {
    hash: '52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971',
    key: '83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a',
  };
  const DST = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_';
  // API.md fairdraw-v2 steps 1 and 3: the round rule, the chain, the BLS signature, the randomness.
  const checkBeacon = async (lottery, record, digest) => {
    const b = lottery.beacon;
    const d = record.beacon;
    if (!b || !d || typeof d.signature !== 'string') throw new Error('the fairdraw-v2 record carries no beacon');
    const check = (kind, ok, text) => say(steps, ok, (ok ? '' : kind + ': ') + text);
    const knownKey = b.chain_hash !== QUICKNET.hash || b.public_key === QUICKNET.key;
    check('BEACON_CHAIN', d.chain_hash === b.chain_hash && knownKey, 'the draw uses chain ' + d.chain_hash + (b.chain_hash === QUICKNET.hash ? ' (quicknet, its published key)' : ', the lottery pinned ' + b.chain_hash));
    if (b.chain_hash !== QUICKNET.hash) say(steps, true, 'chain ' + b.chain_hash + ' is not quicknet: its key is the one the lottery shows; check it against a relay of your own with pnpm verify-draw --relay');
    const closing = Date.parse(lottery.closes_at || lottery.closed_at || '');
    const offset = closing + 1000 * b.margin_s - 1000 * b.genesis_time;
    const step = 1000 * b.period;
    const q = Math.floor(offset / step);
    const expected = !(b.margin_s >= 1) || Number.isNaN(offset) ? null : offset <= 0 ? 1 : (q * step < offset ? q + 1 : q) + 1;
    check('BEACON_ROUND', expected === b.round && d.round === b.round, 'round ' + b.round + ' is the first at or after the closing instant + ' + b.margin_s + ' s' + (expected === b.round ? '' : ' (the rule gives ' + expected + ')') + (d.round === b.round ? '' : '; the draw used ' + d.round));
    const { bls12_381 } = await import('/verify/assets/noble-curves/bls12-381.js');
    const short = bls12_381.shortSignatures;
    const counter = new Uint8Array(8);
    new DataView(counter.buffer).setBigUint64(0, BigInt(b.round), false);
    const message = new Uint8Array(await crypto.subtle.digest('SHA-256', counter));
    let valid = false;
    try {
      valid = /^[0-9a-f]{96}$/.test(d.signature) && short.verify(short.Signature.fromHex(d.signature), short.hash(message, DST), fromHex(b.public_key));
    } catch {
      valid = false;
    }
    check('BEACON_SIGNATURE', valid, 'the signature of round ' + b.round + (valid ? ' verifies' : ' does NOT verify') + ' under the chain key');
    const beaconRandomness = /^[0-9a-f]{96}$/.test(d.signature) ? hex(await crypto.subtle.digest('SHA-256', fromHex(d.signature))) : String(d.randomness);
    check('BEACON_RANDOMNESS', beaconRandomness === d.randomness, 'beacon randomness = sha256(signature) = ' + beaconRandomness + (beaconRandomness === d.randomness ? '' : ', the record says ' + d.randomness));
    return 'fairdraw-v2|' + lottery.id + '|' + digest + '|' + b.chain_hash + '|' + b.round + '|' + beaconRandomness;
  };

  try {
    if (!window.crypto || !crypto.subtle) throw new Error('this browser offers no WebCrypto here (it needs HTTPS)');
    const base = '/lotteries/' + encodeURIComponent(id);
    const [lottery, record] = await Promise.all([get(base, 'json'), get(base + '/draw', 'json')]);
    const v2 = record.algorithm === 'fairdraw-v2';
    if (record.algorithm !== 'fairdraw-v1' && !v2) return finish('mismatch', 'Cannot check algorithm ' + record.algorithm + '.');
    if ((lottery.algorithm || 'fairdraw-v1') !== record.algorithm) return finish('mismatch', 'Mismatch: ALGORITHM: the lottery is ' + lottery.algorithm + ', the draw says ' + record.algorithm);
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
    const message = enc.encode(v2 ? await checkBeacon(lottery, record, digest) : 'fairdraw-v1|' + lottery.id + '|' + digest);
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

// 'self' for the BLS modules the script imports from /verify/assets (fairdraw-v2).
export const VERIFY_PAGE_POLICY = `default-src 'none'; script-src ${hash(SCRIPT)} 'self'; style-src ${hash(STYLE)}; connect-src 'self'; base-uri 'none'; form-action 'none'`;

export function verifyPageHtml(lotteryId: string): string {
  const id = escapeHtml(lotteryId);
  return `${pageHead({ policy: VERIFY_PAGE_POLICY, title: `Verify the draw of lottery ${id}`, style: STYLE })}<main id="app" data-lottery-id="${id}">
<h1>Verify the draw</h1>
<p>Lottery <code>${id}</code>, algorithm fairdraw-v1 or fairdraw-v2. This page fetches the public lottery, draw record and
entries and recomputes the draw in your browser (for fairdraw-v2, with the drand beacon's BLS signature checked as well). It comes from the same service it checks: for an independent check run
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
