import cliProgress from 'cli-progress';

export interface Phase {
  tick(by?: number): void;
  done(): void;
}

export interface Progress {
  phase(name: string, total: number): Phase;
  /** A line between phases (a wait for a rate limit, a retry). */
  note(text: string): void;
}

/** A bar per phase on a terminal; a note stops the bar, prints its line and draws the bar again. */
export function barProgress(stream: NodeJS.WriteStream): Progress {
  let active: { bar: cliProgress.SingleBar; total: number; value: number } | null = null;
  return {
    phase(name, total) {
      const bar = new cliProgress.SingleBar(
        { format: `${name.padEnd(22)} [{bar}] {value}/{total}`, stream, hideCursor: true, clearOnComplete: false },
        cliProgress.Presets.shades_classic,
      );
      const state = { bar, total, value: 0 };
      bar.start(total, 0);
      active = state;
      return {
        tick: (by = 1) => {
          state.value += by;
          bar.update(state.value);
        },
        done: () => {
          bar.stop();
          active = null;
        },
      };
    },
    note(text) {
      active?.bar.stop();
      stream.write(`${text}\n`);
      active?.bar.start(active.total, active.value);
    },
  };
}

/** Plain lines elsewhere (a log, CI): the start, each quarter, the end. */
export function lineProgress(write: (line: string) => void): Progress {
  return {
    phase(name, total) {
      write(`${name}: 0/${total}`);
      let value = 0;
      let quarter = 0;
      return {
        tick(by = 1) {
          value += by;
          const reached = total === 0 ? 4 : Math.floor((value * 4) / total);
          if (reached > quarter && reached < 4) write(`${name}: ${value}/${total}`);
          quarter = Math.max(quarter, reached);
        },
        done: () => write(`${name}: ${value}/${total} done`),
      };
    },
    note: write,
  };
}
