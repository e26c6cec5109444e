// The capsule format's API: build a payload from a stored session, seal it, read and open a
// capsule file, replay it, bisect its trail. The CLI (lib/cli/capsule.ts) is a thin layer over these.

export { buildCapsule, type BuildOptions, type BuiltCapsule } from './build.js';
export { sealCapsule, packCapsule, payloadPlaintext, type Lock } from './seal.js';
export { readCapsule, openCapsule, type Key, type OpenedCapsule, type SealedCapsule } from './open.js';
export { replayCapsule, type ReplayOptions, type ReplayReport } from './replay.js';
export { bisectCapsule, type CapsuleBisectOptions, type CapsuleBisect } from './bisect.js';
export { judge, type Outcome, type Judgement } from './verdict.js';
export { runCommand, type CommandRun, type CommandRequest } from '../lib/replay/run-command.js';
export { isolation, type Isolation, type Network } from './sandbox.js';
export { judgeSigner, CAPSULE_NAMESPACE, type CapsuleSignature, type Signer } from './signature.js';
export { fileRole, episodePatches, writtenPaths, runFiles, type FileRole, type EpisodePatch, type RunFile } from './run-files.js';
export { CAPSULE_FORMAT, CAPSULE_VERSION, type CapsuleHeader, type Unlock } from './format.js';
export { PAYLOAD_VERSION, type CapsulePayload, type Verdict, type RepositoryState } from './payload.js';
export { chooseSlice, STEPS_BEFORE, STEPS_AFTER, type SliceChoice } from './slice.js';
