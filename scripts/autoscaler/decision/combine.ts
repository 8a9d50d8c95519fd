// Several signals combined as the HPA combines metrics: the largest proposal wins, so the
// service scales down only when every signal asks for fewer. A signal without samples blocks
// scaling down (never scale down on what it cannot see) but not scaling up.
import type { Proposal } from './types';

export function combineProposals(currentReplicas: number, proposals: Proposal[]): Proposal {
  const usable = proposals.filter((p) => p.reason !== 'NoMetrics');
  const blind = proposals.filter((p) => p.reason === 'NoMetrics');
  const [first, ...rest] = usable;
  if (first === undefined) {
    const message = blind.map((p) => p.message).join('; ') || `no signal; keeping ${currentReplicas}`;
    return { replicas: currentReplicas, reason: 'NoMetrics', message };
  }
  // On a tie the earlier signal wins, so the order of the signals decides what is reported.
  const best = rest.reduce((winner, p) => (p.replicas > winner.replicas ? p : winner), first);
  const others = proposals.filter((p) => p !== best).map((p) => (p.reason === 'NoMetrics' ? `${p.signal ?? 'a signal'} has no samples` : `${p.signal ?? 'a signal'} asks for ${p.replicas}`));
  const message = [best.message, ...others].join('; ');
  if (blind.length > 0 && best.replicas < currentReplicas) {
    return { ...best, replicas: currentReplicas, reason: 'NoMetrics', message: `${message}: no scale-down while a signal cannot be seen` };
  }
  return { ...best, message };
}
