/**
 * Letters that look like Latin ones and that Unicode compatibility decomposition (NFKD) leaves
 * alone: Cyrillic, Greek, Armenian and Cherokee look-alikes, Latin small capitals and IPA
 * letters. Case is kept (secrets are case-sensitive). Fullwidth, mathematical, circled and
 * superscript forms need no entry: NFKD folds them.
 *
 * Written here on purpose. Measured on npm: `unicode-confusables` (last release 2020) maps to
 * UTS #39 skeletons, which turn `m` into `rn`, `0` into `O` and `1` into `l`, so keywords no longer
 * match; `confusables` (gc/confusables) folds well but also rewrites ordinary Cyrillic text into
 * digits (з → 3, б → 6, ч → 4), and taking it would add a root dependency for ~150 code points.
 */
const PAIRS = [
  // Cyrillic lower case
  'а a', 'в b', 'с c', 'ԁ d', 'е e', 'ё e', 'һ h', 'і i', 'ї i', 'ј j', 'к k', 'ӏ l', 'м m', 'п n', 'о o', 'р p', 'ԛ q',
  'г r', 'ѕ s', 'т t', 'ц u', 'у y', 'ү y', 'х x', 'ԝ w', 'ь b', 'ѡ w',
  // Cyrillic upper case
  'А A', 'В B', 'С C', 'Ԁ D', 'Е E', 'Ё E', 'Һ H', 'Н H', 'І I', 'Ӏ I', 'Ј J', 'К K', 'М M', 'О O', 'Р P', 'Ԛ Q', 'Ѕ S',
  'Т T', 'У Y', 'Ү Y', 'Х X', 'Ԝ W', 'Ԍ G',
  // Greek lower case
  'α a', 'β b', 'ϲ c', 'ε e', 'η n', 'ι i', 'ϳ j', 'κ k', 'ν v', 'ο o', 'ρ p', 'τ t', 'υ u', 'χ x', 'γ y', 'ω w', 'ϱ p',
  // Greek upper case
  'Α A', 'Β B', 'Ϲ C', 'Ε E', 'Ζ Z', 'Η H', 'Ι I', 'Κ K', 'Μ M', 'Ν N', 'Ο O', 'Ρ P', 'Τ T', 'Υ Y', 'Χ X', 'Ϝ F',
  // Armenian
  'օ o', 'ս u', 'ց g', 'հ h', 'ո n', 'ա w', 'զ q', 'Տ S', 'Օ O', 'Ս U',
  // Cherokee (upper-case look-alikes)
  'Ꭺ A', 'Ᏼ B', 'Ꮯ C', 'Ꭼ E', 'Ꮋ H', 'Ꭻ J', 'Ꮶ K', 'Ꮮ L', 'Ꮇ M', 'Ꮲ P', 'Ꮪ S', 'Ꭲ T', 'Ꮃ W', 'Ꮓ Z', 'Ꭰ D', 'Ꮐ G', 'Ꮢ R', 'Ꮩ V',
  // Latin small capitals and IPA letters
  'ᴀ a', 'ʙ b', 'ᴄ c', 'ᴅ d', 'ᴇ e', 'ꜰ f', 'ɢ g', 'ʜ h', 'ɪ i', 'ᴊ j', 'ᴋ k', 'ʟ l', 'ᴍ m', 'ɴ n', 'ᴏ o', 'ᴘ p', 'ʀ r',
  'ꜱ s', 'ᴛ t', 'ᴜ u', 'ᴠ v', 'ᴡ w', 'ʏ y', 'ᴢ z', 'ı i', 'ȷ j', 'ɑ a', 'ɡ g', 'ɩ i', 'ʋ u', 'ɒ a', 'ɛ e', 'ɔ c',
  'ℓ l', 'ǀ l',
];

export const CONFUSABLES: ReadonlyMap<string, string> = new Map(PAIRS.map((p) => [p.slice(0, p.indexOf(' ')), p.slice(p.indexOf(' ') + 1)]));
