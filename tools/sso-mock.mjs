// An OpenID provider for the single sign-on tests: oauth2-mock-server, with
// the e-mail of the person "logging in" taken from `login_hint`, carried in
// the access token, and returned (verified) by the userinfo endpoint.
// `unverified@...` comes back with email_verified: false.
//
//   node tools/sso-mock.mjs        prints {"issuer": "http://127.0.0.1:PORT"}
import { OAuth2Server } from "oauth2-mock-server";

const server = new OAuth2Server();
await server.issuer.keys.generate("RS256");
const hints = new Map();

server.service.on("beforeAuthorizeRedirect", (redirect, req) => {
  const code = redirect.url.searchParams.get("code");
  if (code) hints.set(code, req.query.login_hint ?? "nobody@example.com");
});
server.service.on("beforeTokenSigning", (token, req) => {
  const code = req.body?.code;
  if (code && hints.has(code)) token.payload.email = hints.get(code);
});
server.service.on("beforeUserinfo", (response, req) => {
  const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
  const part = token.split(".")[1] ?? "";
  const claims = part ? JSON.parse(Buffer.from(part, "base64url").toString()) : {};
  response.body = {
    sub: claims.sub ?? "johndoe",
    email: claims.email,
    email_verified: !String(claims.email).startsWith("unverified@"),
  };
});

await server.start(0, "127.0.0.1");
console.log(JSON.stringify({ issuer: server.issuer.url }));
