// The Slack workspace the bot tests run in: the production channel and the people in it. The config
// (botTestConfig) and the Slack test host's users are both written from these, so a test that names a
// person means the same person to the bot and to Slack.

export const CHANNEL = "C0PROD0001";

/** People: alice may start; bob and pat are in S0PLATFORM (start, approve, roll back); olly is on call. */
export const ALICE = "U0ALICE001";
export const BOB = "U0BOB00001";
export const PAT = "U0PLAT0001";
export const OLLY = "U0ONCALL01";
export const MALLORY = "U0MALLORY1";
