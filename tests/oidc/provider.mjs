// A FranceConnect-like OpenID Connect provider for cnfs tests, on npm `oidc-provider` (the library FranceConnect
// itself runs on), configured like FranceConnect v2: acr eidas1, ES256 id_token with a kid (and an RS256 key for a
// second client), userinfo returned as a signed JWT, pairwise `sub`, RP-initiated logout (end_session).
//
// No person is needed: the interaction URL logs the configured test person in and grants consent at once
// (`provider.interactionFinished`), and the logout page submits itself (plain HTML form + one line of script), so the
// whole authorization-code flow runs in a browser or with any HTTP client that follows redirects.
//
// Environment:
//   OIDC_TEST_PORT            port on 127.0.0.1 (0: any free one; the chosen URL is printed as `ISSUER <url>`)
//   OIDC_TEST_CLIENT_ID       client id (ES256 id_token and userinfo); `<id>-rs256` is the RS256 twin
//   OIDC_TEST_CLIENT_SECRET   client secret (client_secret_post or client_secret_basic)
//   OIDC_TEST_REDIRECT_URIS   comma-separated redirect URIs of the client
//   OIDC_TEST_LOGOUT_URIS     comma-separated post-logout redirect URIs
//   OIDC_TEST_PERSON          JSON of the test person's claims (sub-less; `id` is the provider's account id)
//
// Test scenarios (only for tests, on this throw-away provider): POST /__test__/scenario with a JSON body
//   {"acr": "eidas2"}                     the next logins carry that acr
//   {"person": {...}}                     the next logins are that person (claims merged with the default one)
//   {"jwks": "rotated"}                   /jwks publishes other keys with other kids (the signing keys are unknown)
//   {"jwks": "same_kid_other_key"}        /jwks publishes other keys under the same kids (signatures do not match)
//   {} (or {"reset": true})               back to normal
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const env = process.env;
const clientId = env.OIDC_TEST_CLIENT_ID || 'cnfs-test';
const clientSecret = env.OIDC_TEST_CLIENT_SECRET || 'cnfs-test-secret-cnfs-test-secret';
const list = (value) => (value || '').split(',').map((item) => item.trim()).filter(Boolean);
const redirectUris = list(env.OIDC_TEST_REDIRECT_URIS || 'http://testserver/aidants-connect/franceconnect/retour/');
const logoutUris = list(env.OIDC_TEST_LOGOUT_URIS || 'http://testserver/aidants-connect/franceconnect/deconnecte/');

const DEFAULT_PERSON = {
  id: 'jeanne-martin-1948',
  given_name: 'Jeanne Marie',
  family_name: 'Martin',
  birthdate: '1948-05-02',
  gender: 'female',
  birthplace: '42095',
  birthcountry: '99100',
  email: 'jeanne.martin@example.org',
  preferred_username: '',
};
const basePerson = { ...DEFAULT_PERSON, ...(env.OIDC_TEST_PERSON ? JSON.parse(env.OIDC_TEST_PERSON) : {}) };

function signingKeys(prefix) {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  return [
    { ...ec, kid: `${prefix}-es256`, alg: 'ES256', use: 'sig' },
    { ...rsa, kid: `${prefix}-rs256`, alg: 'RS256', use: 'sig' },
  ];
}
const publicOnly = ({ d, p, q, dp, dq, qi, ...rest }) => rest;

const keys = signingKeys(`fc-${randomBytes(4).toString('hex')}`);
const otherKeys = signingKeys(`fc-${randomBytes(4).toString('hex')}`);
let scenario = {};

const pairwiseSalt = randomBytes(16).toString('hex');

const configuration = {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      post_logout_redirect_uris: logoutUris,
      response_types: ['code'],
      grant_types: ['authorization_code'],
      id_token_signed_response_alg: 'ES256',
      userinfo_signed_response_alg: 'ES256',
      subject_type: 'pairwise',
    },
    {
      client_id: `${clientId}-rs256`,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      post_logout_redirect_uris: logoutUris,
      response_types: ['code'],
      grant_types: ['authorization_code'],
      id_token_signed_response_alg: 'RS256',
      userinfo_signed_response_alg: 'RS256',
      subject_type: 'pairwise',
    },
  ],
  clientDefaults: { token_endpoint_auth_method: 'client_secret_post' },
  jwks: { keys },
  acrValues: ['eidas1', 'eidas2', 'eidas3'],
  // FranceConnect's scopes: one per claim.
  scopes: ['openid', 'given_name', 'family_name', 'birthdate', 'gender', 'birthplace', 'birthcountry', 'email',
    'preferred_username'],
  claims: {
    openid: ['sub'],
    given_name: ['given_name'],
    family_name: ['family_name'],
    birthdate: ['birthdate'],
    gender: ['gender'],
    birthplace: ['birthplace'],
    birthcountry: ['birthcountry'],
    email: ['email'],
    preferred_username: ['preferred_username'],
  },
  subjectTypes: ['pairwise'],
  async pairwiseIdentifier(ctx, accountId, client) {
    return createHash('sha256').update(`${client.sectorIdentifier}|${accountId}|${pairwiseSalt}`).digest('hex');
  },
  async findAccount(ctx, id) {
    const person = scenario.person ? { ...basePerson, ...scenario.person } : basePerson;
    if (id !== person.id) return undefined;
    return {
      accountId: id,
      async claims() {
        const { id: _, ...claims } = person;
        return { sub: id, ...claims };
      },
    };
  },
  features: {
    devInteractions: { enabled: false },
    jwtUserinfo: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Déconnexion</title></head>
<body><main><h1>Déconnexion de FranceConnect (fournisseur de test)</h1>${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Se déconnecter</button>
<script>var f=document.getElementById('op.logoutForm');var i=document.createElement('input');i.type='hidden';
i.name='logout';i.value='yes';f.appendChild(i);f.submit();</script></main></body></html>`;
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  pkce: { required: () => false },
  ttl: { AuthorizationCode: 60, AccessToken: 300, IdToken: 300, Interaction: 600, Session: 600, Grant: 600 },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  renderError(ctx, out) {
    ctx.type = 'json';
    ctx.body = out;
  },
};

// The issuer needs the port: listen first, then build the provider.
const server = createServer();
server.listen(Number(env.OIDC_TEST_PORT || 0), '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();

  async function interaction(req, res) {
    const details = await provider.interactionDetails(req, res);
    const { prompt, params, session } = details;
    const person = scenario.person ? { ...basePerson, ...scenario.person } : basePerson;
    const accountId = session?.accountId || person.id;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId: params.client_id });
    grant.addOIDCScope(String(params.scope || 'openid'));
    for (const claim of prompt.details.missingOIDCClaims || []) grant.addOIDCClaims([claim]);
    const result = { consent: { grantId: await grant.save() } };
    if (prompt.name === 'login') {
      result.login = { accountId, acr: scenario.acr || 'eidas1', amr: ['pwd'] };
    }
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }

  async function scenarioEndpoint(req, res) {
    let body = '';
    for await (const chunk of req) body += chunk;
    const wanted = body ? JSON.parse(body) : {};
    scenario = wanted.reset ? {} : wanted;
    res.writeHead(204).end();
  }

  function jwks(res) {
    const published = scenario.jwks === 'rotated'
      ? otherKeys
      : scenario.jwks === 'same_kid_other_key'
        ? otherKeys.map((key, index) => ({ ...key, kid: keys[index].kid }))
        : keys;
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' });
    res.end(JSON.stringify({ keys: published.map(publicOnly) }));
  }

  server.on('request', (req, res) => {
    const path = req.url.split('?')[0];
    const run = path.startsWith('/interaction/')
      ? interaction(req, res)
      : path === '/__test__/scenario' && req.method === 'POST'
        ? scenarioEndpoint(req, res)
        : path === '/jwks' && scenario.jwks
          ? Promise.resolve(jwks(res))
          : Promise.resolve(callback(req, res));
    run.catch((error) => {
      console.error(error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  console.log(`ISSUER ${issuer}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
