import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from "react";

/** The question box: Enter sends, Shift+Enter starts a new line; while an answer streams, Stop replaces Send. */
export function ChatComposer({
  busy,
  onSend,
  onStop,
}: {
  busy: boolean;
  onSend: (text: string) => void;
  onStop: () => void;
}) {
  const [text, setText] = useState("");
  const inputId = useId();
  const inputRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (!busy) inputRef.current?.focus();
  }, [busy]);

  function send() {
    const question = text.trim();
    if (!question || busy) return;
    onSend(question);
    setText("");
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    send();
  }

  function handleKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  }

  return (
    <form className="composer" onSubmit={handleSubmit}>
      <label htmlFor={inputId} className="visually-hidden">
        Your question
      </label>
      <textarea
        id={inputId}
        ref={inputRef}
        data-testid="chat-input"
        rows={2}
        placeholder="Ask a question about your documents…"
        value={text}
        disabled={busy}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={handleKeyDown}
      />
      {busy ? (
        <button type="button" className="button-secondary" data-testid="chat-stop" onClick={onStop}>
          Stop
        </button>
      ) : (
        <button type="submit" className="button-primary" data-testid="chat-send" disabled={!text.trim()}>
          Send
        </button>
      )}
    </form>
  );
}
