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
  const formRef = useRef<HTMLFormElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const stopRef = useRef<HTMLButtonElement>(null);
  const mounted = useRef(false);

  // The box takes the focus as it opens. While an answer streams the box is disabled, which drops the focus, so
  // Stop takes it; when the answer ends it goes back to the box, unless the user has moved it elsewhere meanwhile.
  useEffect(() => {
    const active = document.activeElement;
    // The disabled box may still hold the focus until the browser notices; that counts as in the composer.
    const inComposer = active === null || active === document.body || formRef.current?.contains(active) === true;
    if (busy) {
      if (inComposer) stopRef.current?.focus();
    } else if (!mounted.current || inComposer) {
      inputRef.current?.focus();
    }
    mounted.current = true;
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
    <form className="composer" ref={formRef} onSubmit={handleSubmit}>
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
        <button type="button" className="button-secondary" data-testid="chat-stop" ref={stopRef} onClick={onStop}>
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
