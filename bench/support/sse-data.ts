/** Reads a server-sent event stream (the chat's answers) as the `data:` payloads of its events, in order. */
export async function* sseData(response: Response): AsyncGenerator<string> {
  if (!response.body) throw new Error("the response has no body");
  let buffer = "";
  for await (const piece of response.body.pipeThrough(new TextDecoderStream())) {
    buffer += piece;
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const data = buffer
        .slice(0, end)
        .split("\n")
        .find((line) => line.startsWith("data: "))
        ?.slice("data: ".length);
      buffer = buffer.slice(end + 2);
      if (data !== undefined) yield data;
    }
  }
}
