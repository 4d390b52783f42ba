export { createPlan, createProduct } from './catalog';
export { createCustomer } from './customers';
export { issueLicense } from './issue';
export type { IssuedLicense, IssueLicenseParams } from './issue';
export {
  CROCKFORD_ALPHABET,
  LICENSE_KEY_PATTERN,
  generateLicenseKey,
  generateSigningSecret,
  hasValidCheckValue,
  isWellFormedLicenseKey,
  keyLast4,
  normaliseLicenseKey,
} from './keys';
