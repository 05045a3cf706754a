import { type FormEvent, useEffect, useId, useRef, useState } from "react";

/** Edits the latest question; sending it asks it again, in place of the old question and its answers. */
export function QuestionEditor({
  initialText,
  onSend,
  onCancel,
}: {
  initialText: string;
  onSend: (text: string) => void;
  onCancel: () => void;
}) {
  const [text, setText] = useState(initialText);
  const inputId = useId();
  const noteId = useId();
  const inputRef = useRef<HTMLTextAreaElement>(null);
  useEffect(() => inputRef.current?.focus(), []);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const question = text.trim();
    if (question) onSend(question);
  };

  return (
    <form className="message message-user question-editor" data-testid="question-editor" onSubmit={submit}>
      <label htmlFor={inputId} className="visually-hidden">
        Edit your question
      </label>
      <textarea
        id={inputId}
        ref={inputRef}
        data-testid="question-edit-input"
        rows={3}
        aria-describedby={noteId}
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape") onCancel();
        }}
      />
      <p id={noteId} className="hint">
        Sending asks the edited question; the current answer (and its earlier versions) will be replaced by the new
        answer.
      </p>
      <div className="message-actions">
        <button type="submit" className="button-primary" data-testid="question-edit-send" disabled={!text.trim()}>
          Send
        </button>
        <button type="button" className="button-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
