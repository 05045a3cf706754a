/** What a member sees on a page only admins may use, instead of the API's refusal. */
export function AdminsOnly({ role }: { role: string }) {
  return (
    <section className="panel admins-only" data-testid="admins-only">
      <h2>Admins only</h2>
      <p>
        This page is for the tenant's admins; you are signed in as a <strong>{role}</strong>. Ask an admin if you need
        something changed here, or go back to the <a href="#/chat">chat</a>.
      </p>
    </section>
  );
}
