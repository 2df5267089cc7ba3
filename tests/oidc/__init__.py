"""A FranceConnect-like OpenID Connect provider (npm oidc-provider) for the tests."""
