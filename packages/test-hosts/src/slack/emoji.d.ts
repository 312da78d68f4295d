// Types for emoji.js (plain JavaScript, also served to the sandbox's browser console).
export declare const EMOJI: Readonly<Record<string, string>>;
/** `:name:` to its character where one is known; other names stay as typed. */
export declare function emojify(s: string): string;
