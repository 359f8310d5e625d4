export { type Box, inkShare, launchChromium, readVerdict, type Verdict } from './chromium.js';
export { deadRelayUrl, type RelayBehaviour, recentTestChain, startTestRelay, type TestRelay } from './test-relay.js';
