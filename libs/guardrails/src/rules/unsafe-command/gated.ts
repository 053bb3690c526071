/**
 * A command the lesson tells the agent to ask about before running it ("describe `sudo apt` and
 * wait for the user's go-ahead before running it"): the sentence holding it makes a person
 * decide, so mentioning the command is no instruction to run it.
 */
const GATE = /\b(?:wait(?:ing)? for|ask(?:ing)?(?: the user)? for|get(?:ting)?|obtain(?:ing)?|request(?:ing)?)\s+(?:the user's |the user’s |explicit |their |a |an )?(?:go-ahead|approval|confirmation|permission|consent|ok)\s+before\s+(?:running|executing|using|calling)\s+(?:it|this|that|them)\b/i;

export function isGated(text: string, index: number): boolean {
  const start = Math.max(0, text.lastIndexOf('\n', index) + 1, lastSentenceEnd(text, index));
  const endMatch = /[.!?](?:\s|$)|\n/.exec(text.slice(index));
  const end = endMatch ? index + endMatch.index : text.length;
  return GATE.test(text.slice(start, end));
}

function lastSentenceEnd(text: string, index: number): number {
  const re = /[.!?]\s/g;
  let last = 0;
  for (let m = re.exec(text); m !== null && m.index < index; m = re.exec(text)) last = m.index + m[0].length;
  return last;
}
