// oidc-provider.mjs runs a real OpenID Connect provider (the npm
// oidc-provider, an OpenID-certified implementation) for the sign-in test:
// one client, govlake, and any login name as an account of the ministry
// of health with the publisher role. It prints READY when it listens.
//
//   node e2e/oidc-provider.mjs PORT REDIRECT_URI
import Provider from 'oidc-provider';

const [port, redirect] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  clients: [{ client_id: 'govlake', client_secret: 'govlake-test-secret', redirect_uris: [redirect],
    grant_types: ['authorization_code'], response_types: ['code'] }],
  claims: { openid: ['sub'], email: ['email'], profile: ['govlake_org', 'govlake_role'] },
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    return { accountId: id, claims: async () => ({ sub: id, email: id, govlake_org: 'moh', govlake_role: 'publisher' }) };
  },
});
provider.proxy = true;
provider.listen(Number(port), '127.0.0.1', () => process.stdout.write('READY\n'));
