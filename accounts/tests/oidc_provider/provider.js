// A real OpenID Connect provider (node's oidc-provider) for the tests: one confidential
// client, accounts from OIDC_ACCOUNTS (JSON: {"login": {"email", "name", "roles"}}), the
// library's own login and consent pages. Listens on 127.0.0.1 only; prints "ready".
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT);
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS);

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: process.env.OIDC_CLIENT_ID,
      client_secret: process.env.OIDC_CLIENT_SECRET,
      redirect_uris: [process.env.OIDC_REDIRECT_URI],
      response_types: ["code"],
      grant_types: ["authorization_code"],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], roles: ["roles"] },
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: account.email, email_verified: true, name: account.name, roles: account.roles };
      },
    };
  },
  pkce: { required: () => false },
  cookies: { keys: ["test-only-cookie-key"] },
  features: { devInteractions: { enabled: true } },
});
provider.listen(port, "127.0.0.1", () => console.log("ready"));
