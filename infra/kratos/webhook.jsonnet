// Body of every kratos-sync webhook (Kratos `web_hook` hook, `body: file:///etc/config/kratos/webhook.jsonnet`).
//
// It renders only what the events read, and so all that kratos-sync ever learns of an identity: its id, schema,
// state, the e-mail trait, its verifiable addresses (value, channel, verified flag and time), when it was created
// and updated; the flow's id; the session's id, assurance level and authentication time. Kratos's ctx also holds
// request_cookies (session cookie, CSRF cookies), request_headers, flow.ui (form nodes with the CSRF token),
// flow.transient_payload, the other traits and metadata_public: none of them is copied.
// Nothing in ctx says which flow or hook point fired, so the hook URL says it (/hooks/kratos/<flow>/<method>).
local field(o, k) = if o != null && std.objectHas(o, k) then o[k] else null;

function(ctx) {
  identity: {
    id: ctx.identity.id,
    schema_id: field(ctx.identity, 'schema_id'),
    state: field(ctx.identity, 'state'),
    // the one trait the application keeps; a schema that names it otherwise changes this line
    traits: { email: field(field(ctx.identity, 'traits'), 'email') },
    verifiable_addresses: [
      {
        value: field(a, 'value'),
        via: field(a, 'via'),
        verified: field(a, 'verified'),
        verified_at: field(a, 'verified_at'),
      }
      for a in (if field(ctx.identity, 'verifiable_addresses') != null then ctx.identity.verifiable_addresses else [])
    ],
    created_at: field(ctx.identity, 'created_at'),
    updated_at: field(ctx.identity, 'updated_at'),
  },
  flow: {
    id: field(ctx.flow, 'id'),
  },
  // Kratos passes a session to login-after and settings hooks only; on login-after a new session's id is the
  // all-zero UUID (it is saved after the hooks run).
  session: if field(ctx, 'session') == null then null else {
    id: field(ctx.session, 'id'),
    aal: field(ctx.session, 'authenticator_assurance_level'),
    authenticated_at: field(ctx.session, 'authenticated_at'),
  },
}
