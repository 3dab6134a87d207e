/**
 * A message's content as one string. OpenAI's content is a string or a list of parts; local text
 * models take one string, so the text parts are joined with nothing between them (as OpenAI's own
 * templates concatenate them). Parts without text (a refusal's `refusal` is kept) count as empty.
 */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let out = "";
  for (const part of content as { text?: unknown; refusal?: unknown }[]) {
    if (typeof part?.text === "string") out += part.text;
    else if (typeof part?.refusal === "string") out += part.refusal;
  }
  return out;
}
