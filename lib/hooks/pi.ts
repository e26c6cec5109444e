// Moved to lib/agents/pi/hooks.ts; kept so older imports of the pi hook writer still resolve.

export { PI_EVENTS, PI_EXTENSION_FILE, PI_EXTENSION_FORMAT, PI_HOOK_WAIT_MS, piExtensionFormat, piExtensionSource, piHooks } from '../agents/pi/hooks.js';
