/** Waits for a condition, never for a time: shared machines are noisy, so only the deadline is generous. */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until `get` returns something (not undefined), and returns it. */
export async function untilDefined<T>(get: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  let value: T | undefined;
  await until(() => (value = get()) !== undefined, what, timeoutMs);
  return value!;
}
