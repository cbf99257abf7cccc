// The package version, for the default User-Agent. Kept in step with package.json by a test
// (browsers cannot read package.json at run time).
export const VERSION = '0.1.0';
