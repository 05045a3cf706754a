/** An error shown to the user; announced by screen readers as it appears. */
export function ErrorMessage({ message, onDismiss }: { message: string; onDismiss?: () => void }) {
  return (
    <div className="error-message" role="alert">
      <span>{message}</span>
      {onDismiss ? (
        <button type="button" className="button-quiet" onClick={onDismiss}>
          Dismiss
        </button>
      ) : null}
    </div>
  );
}
