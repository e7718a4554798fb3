// oidc-provider 8 ships no type declarations; the test uses it as a black-box OpenID provider.
declare module 'oidc-provider';
