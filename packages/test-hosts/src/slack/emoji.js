// Slack emoji names to characters, shared by the text console (Node) and the sandbox's browser console,
// which the sandbox server serves as /emoji.js. Plain JavaScript so the page needs no bundler.

/** @type {Readonly<Record<string, string>>} */
export const EMOJI = {
  white_check_mark: "✅",
  white_circle: "⚪",
  arrows_counterclockwise: "🔄",
  hourglass_flowing_sand: "⏳",
  hourglass: "⌛",
  raised_hand: "✋",
  x: "❌",
  octagonal_sign: "🛑",
  rewind: "⏪",
  leftwards_arrow_with_hook: "↩️",
  bangbang: "‼️",
  fast_forward: "⏩",
  arrow_forward: "▶️",
  warning: "⚠️",
  rotating_light: "🚨",
  tada: "🎉",
  no_entry: "⛔",
  no_entry_sign: "🚫",
  black_square_for_stop: "⏹️",
  mag: "🔍",
  information_source: "ℹ️",
  rocket: "🚀",
  ballot_box_with_check: "☑️",
  boom: "💥",
  memo: "📝",
  heavy_check_mark: "✔️",
  large_green_circle: "🟢",
  large_yellow_circle: "🟡",
  red_circle: "🔴",
  large_blue_circle: "🔵",
  double_vertical_bar: "⏸️",
  lock: "🔒",
  key: "🔑",
  eyes: "👀",
  construction: "🚧",
  stopwatch: "⏱️",
  hammer_and_wrench: "🛠️",
  arrow_right: "➡️",
  twisted_rightwards_arrows: "🔀",
  recycle: "♻️",
};

/** `:name:` to its character where one is known; other names stay as typed. */
export function emojify(/** @type {string} */ s) {
  return s.replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] ?? m);
}
