import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { maxQuestionCharacters, questionTooLongMessage } from "../../worker/contract";

/**
 * The question box: Enter sends, Shift+Enter starts a new line; while an answer streams, Stop replaces Send. A
 * question over the server's length limit is not sent: the box says why, next to the text, and keeps it. (The limit
 * is the contract's, which the server this page came from enforces.)
 */
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
  const problemId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const stopRef = useRef<HTMLButtonElement>(null);
  const mounted = useRef(false);
  const problem = text.length > maxQuestionCharacters ? questionTooLongMessage(text.length) : null;

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
    if (problem !== null) {
      inputRef.current?.focus();
      return;
    }
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
      <div className="composer-field">
        <textarea
          id={inputId}
          ref={inputRef}
          data-testid="chat-input"
          rows={2}
          placeholder="Ask a question about your documents…"
          value={text}
          disabled={busy}
          aria-invalid={problem !== null}
          aria-describedby={problem !== null ? problemId : undefined}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={handleKeyDown}
        />
        {problem !== null ? (
          <p id={problemId} className="composer-problem" role="alert" data-testid="composer-problem">
            {problem}
          </p>
        ) : null}
      </div>
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
