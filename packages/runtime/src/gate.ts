/**
 * At most `width` tasks at a time; the rest wait in arrival order. For work whose cost is
 * memory per task as much as CPU (argon2: 19 MiB a hash), where running more at once than
 * there are cores adds no throughput, only buffers.
 */
export function gate(width: number): <T>(task: () => Promise<T>) => Promise<T> {
  if (!Number.isInteger(width) || width < 1) throw new Error(`a gate needs a width of at least 1, not ${width}`);
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= width) await new Promise<void>((resolve) => waiting.push(resolve));
    else running += 1;
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next in line, so a newcomer cannot overtake it.
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}
