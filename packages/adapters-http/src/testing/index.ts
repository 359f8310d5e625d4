export { launchChromium, readVerdict, type Verdict } from './chromium.js';
