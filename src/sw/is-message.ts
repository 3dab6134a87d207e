/** Whether `data` is one of pagellm's messages. */
export function isPagellmMessage(data: unknown): data is { pagellm: string } {
  return typeof data === "object" && data !== null && typeof (data as { pagellm?: unknown }).pagellm === "string";
}
