/**
 * GET /: a page for people who open the service in a browser. Rendered on the server from the
 * same views the API serves, so it needs no script at all; its one style is pinned by hash in
 * its Content-Security-Policy, and it loads nothing from anywhere (default-src 'none').
 */
import type { z } from 'zod';
import { escapeHtml, hashSource as hash, pageHead } from './html-page.js';
import type { DrawSchema } from './representations/draw.js';
import type { LotterySchema } from './representations/lottery.js';

type LotteryView = z.output<typeof LotterySchema>;
type DrawView = z.output<typeof DrawSchema>;

export interface FrontPage {
  /** Open lotteries, the soonest to close first. */
  readonly open: readonly LotteryView[];
  /** More open lotteries exist than are shown. */
  readonly moreOpen: boolean;
  /** The latest draws, newest first, each with its lottery's name. */
  readonly latest: readonly { readonly name: string; readonly draw: DrawView }[];
  readonly now: Date;
}

const STYLE = `
body { font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2rem; border-bottom: 2px solid #ddd; }
table { border-collapse: collapse; width: 100%; } td, th { padding: 0.3rem 0.6rem; text-align: left; border-bottom: 1px solid #ddd; vertical-align: top; }
#open td:nth-child(2), #open td:nth-child(3) { white-space: nowrap; }
.num { text-align: right; font-variant-numeric: tabular-nums; } .muted { color: #666; } .left { font-weight: bold; color: #1a7f37; }
.draw { margin: 1rem 0; padding: 0.5rem 1rem; border: 1px solid #ddd; border-radius: 6px; }
.draw h3 { margin: 0.2rem 0; font-size: 1.05rem; } a { color: #0550ae; }
`;

export const FRONT_PAGE_POLICY = `default-src 'none'; style-src ${hash(STYLE)}; base-uri 'none'; form-action 'none'`;

/** "3 d 4 h", "2 h 5 min", "under a minute": how long until an instant, coarsely. */
export function timeLeft(until: Date, now: Date): string {
  const minutes = Math.floor((until.getTime() - now.getTime()) / 60_000);
  if (minutes < 1) return 'under a minute';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes % 60} min`;
  return `${minutes} min`;
}

function openRow(lottery: LotteryView, now: Date): string {
  const id = encodeURIComponent(lottery.id);
  const tickets =
    lottery.tickets_available === null
      ? `<span class="left">no limit</span> <span class="muted">(${lottery.tickets_issued} taken)</span>`
      : `<span class="left">${lottery.tickets_available} of ${lottery.ticket_limit}</span> left`;
  const closes =
    lottery.closes_at === null
      ? '<span class="muted">when an admin closes it</span>'
      : `${escapeHtml(lottery.closes_at.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))} <span class="muted">(in ${timeLeft(new Date(lottery.closes_at), now)})</span>`;
  const prizes = lottery.prizes.map((p) => `${escapeHtml(p.name)}${p.amount > 1 ? ` \u00d7 ${p.amount}` : ''}`).join(', ');
  return `<tr><td><a href="/lotteries/${id}">${escapeHtml(lottery.name)}</a></td><td>${tickets}</td><td>${closes}</td><td>${prizes}</td></tr>`;
}

function drawBlock({ name, draw }: FrontPage['latest'][number]): string {
  const id = encodeURIComponent(draw.lottery_id);
  const winners =
    draw.winners.length === 0
      ? '<p class="muted">No entries, so no winners.</p>'
      : `<table><thead><tr><th class="num">rank</th><th>prize</th><th class="num">ticket</th><th>winner</th></tr></thead><tbody>${draw.winners
          .map(
            (w) =>
              `<tr><td class="num">${w.rank}</td><td>${escapeHtml(w.prize)}</td><td class="num">${w.ticket_number}</td><td>${w.username === null ? '<span class="muted">a guest</span>' : escapeHtml(w.username)}</td></tr>`,
          )
          .join('')}</tbody></table>`;
  const drawnAt = draw.drawn_at === null ? '' : escapeHtml(draw.drawn_at.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'));
  return `<section class="draw"><h3>${escapeHtml(name)}</h3><p class="muted">Drawn ${drawnAt} from ${draw.n ?? 0} entries \u00b7 <a href="/verify/${id}">verify this draw</a></p>${winners}</section>`;
}

export function frontPageHtml(page: FrontPage): string {
  const open =
    page.open.length === 0
      ? '<p id="no-open">No lottery is open right now.</p>'
      : `<table id="open"><thead><tr><th>lottery</th><th>tickets</th><th>closes</th><th>prizes</th></tr></thead><tbody>${page.open
          .map((l) => openRow(l, page.now))
          .join('')}</tbody></table>${page.moreOpen ? '<p class="muted">More are open: <code>GET /lotteries?status=open</code>.</p>' : ''}`;
  const latest =
    page.latest.length === 0
      ? '<p id="no-winners">Nothing has been drawn yet.</p>'
      : `<div id="winners">${page.latest.map(drawBlock).join('')}</div>`;
  return `${pageHead({ policy: FRONT_PAGE_POLICY, title: 'fairdraw', style: STYLE })}<main>
<h1>fairdraw</h1>
<p>Lotteries and raffles with draws anyone can check. The API and its interactive documentation: <a id="docs" href="/docs">/docs</a>.</p>
<h2>Open lotteries</h2>
${open}
<h2>Latest winners</h2>
${latest}
</main>
</body>
</html>
`;
}
