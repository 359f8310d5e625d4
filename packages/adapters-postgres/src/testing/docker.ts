/**
 * Whether a Docker engine answers, so that integration tests can prefer a container and fall
 * back to a local server otherwise. Without an engine this settles within milliseconds.
 */
export async function dockerAnswers(): Promise<boolean> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  return getContainerRuntimeClient().then(
    () => true,
    () => false,
  );
}
