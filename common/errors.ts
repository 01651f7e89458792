/** The message of anything thrown, for logs and dead letters. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
