// Authentication settings from the environment: defaults, bounds, and OpenID
// Connect that is configured completely and safely or refused at start-up.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.ts';
import { loadAuthConfig } from './config.ts';

const ORIGIN = { origin: 'kpu.go.id/saksi/log' };
const OIDC = {
  SAKSI_OIDC_ISSUER: 'https://sso.kpu.go.id',
  SAKSI_OIDC_AUDIENCE: 'saksi',
  SAKSI_OIDC_JWKS_URL: 'https://sso.kpu.go.id/.well-known/jwks.json',
};

describe('loadAuthConfig', () => {
  it('defaults to 15-minute tokens issued under the log origin, a 5 s cache, no OIDC', () => {
    expect(loadAuthConfig({}, ORIGIN)).toEqual({
      token: { issuer: 'kpu.go.id/saksi/log', audience: 'saksi-api', ttlSeconds: 900 },
      officerCacheMs: 5000,
      oidc: undefined,
    });
  });

  it('reads every setting', () => {
    const c = loadAuthConfig(
      {
        SAKSI_TOKEN_ISSUER: 'https://saksi.kpu.go.id',
        SAKSI_TOKEN_AUDIENCE: 'saksi',
        SAKSI_TOKEN_TTL_SECONDS: '300',
        SAKSI_OFFICER_CACHE_MS: '1000',
        ...OIDC,
        SAKSI_OIDC_ROLE_CLAIM: 'kpu_role',
        SAKSI_OIDC_AREA_CLAIM: 'kpu_wilayah',
      },
      ORIGIN,
    );
    expect(c).toEqual({
      token: { issuer: 'https://saksi.kpu.go.id', audience: 'saksi', ttlSeconds: 300 },
      officerCacheMs: 1000,
      oidc: {
        issuer: 'https://sso.kpu.go.id',
        audience: 'saksi',
        jwksUrl: 'https://sso.kpu.go.id/.well-known/jwks.json',
        roleClaim: 'kpu_role',
        areaClaim: 'kpu_wilayah',
      },
    });
    expect(loadAuthConfig(OIDC, ORIGIN).oidc).toMatchObject({
      roleClaim: 'saksi_role',
      areaClaim: 'saksi_area',
    });
  });

  it('refuses settings out of bounds or unsafe', () => {
    const bad: NodeJS.ProcessEnv[] = [
      { SAKSI_TOKEN_TTL_SECONDS: '59' },
      { SAKSI_TOKEN_TTL_SECONDS: '86401' },
      { SAKSI_TOKEN_TTL_SECONDS: '15m' },
      { SAKSI_OFFICER_CACHE_MS: '5001' },
      { SAKSI_TOKEN_ISSUER: 'has space' },
      { SAKSI_OIDC_ISSUER: OIDC.SAKSI_OIDC_ISSUER },
      { ...OIDC, SAKSI_OIDC_AUDIENCE: '' },
      { ...OIDC, SAKSI_OIDC_JWKS_URL: 'http://sso.kpu.go.id/jwks.json' },
      { ...OIDC, SAKSI_OIDC_JWKS_URL: 'file:///etc/jwks.json' },
      { ...OIDC, SAKSI_OIDC_JWKS_URL: 'not a url' },
      { ...OIDC, SAKSI_OIDC_ISSUER: 'kpu.go.id/saksi/log' },
      { ...OIDC, SAKSI_OIDC_ROLE_CLAIM: 'role claim' },
    ];
    for (const env of bad)
      expect(() => loadAuthConfig(env, ORIGIN), JSON.stringify(env)).toThrow(ConfigError);
    expect(
      loadAuthConfig({ ...OIDC, SAKSI_OIDC_JWKS_URL: 'http://127.0.0.1:8081/jwks' }, ORIGIN).oidc
        ?.jwksUrl,
    ).toBe('http://127.0.0.1:8081/jwks');
  });
});
