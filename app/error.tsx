'use client';

export default function RouteError({ error, reset }: { error: Error; reset: () => void }) {
  return (
    <section role="alert">
      <h1>Something went wrong</h1>
      <p>{error.message}</p>
      <button type="button" onClick={reset}>
        Try again
      </button>
    </section>
  );
}
