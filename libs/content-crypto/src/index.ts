export { isSealed, kidOf, openString, sealString } from './sealed-string';
export { ERASED, openSessionEvent, sealSessionEvent, sealedKids } from './session-content';
export { contentMasterKey, KEY_CACHE_MS, PgContentKeyring, type ContentKeyring, type SessionKey } from './content-keyring';
export { lessonKeyId, SessionCipher, userIdsOf } from './session-cipher';
export { openLessonEvent, sealLessonEvent } from './lesson-content';
export { fingerprintSet, MAX_QUOTE_FINGERPRINTS, packQuoteFingerprints, QUOTE_RUN, quoteFingerprintsOf, quotesErased, withoutSaidElsewhere, wordsIn, type QuoteFingerprints } from './quote-fingerprints';
