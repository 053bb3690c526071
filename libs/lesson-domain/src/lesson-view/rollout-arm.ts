import { createHash } from 'node:crypto';

/**
 * Which arm of a lesson's canary a subject (a session, else an agent) is in: a stable hash of the
 * lesson and the subject, so the same session always gets the same answer and each lesson draws
 * its own share (not the same sessions for every canary).
 */
export function rolloutArm(lessonId: string, subject: string, share: number): 'canary' | 'control' {
  const h = createHash('sha256').update(`${lessonId}\u0000${subject}`).digest();
  return h.readUInt32BE(0) / 0x1_0000_0000 < share ? 'canary' : 'control';
}
