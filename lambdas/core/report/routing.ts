/**
 * The report's owner-routing fields (schema 1, optional): each certificate's `route` ({destination, rule}), each
 * target's `routingProblems`, and the run's `routingProblems`. Added to a built report rather than built into it, so
 * a run without a routing table writes exactly the report it wrote before.
 */
import type { RunRouting } from '../routing/run';
import type { Report } from './schema';

export function withRouting(report: Report, routing: RunRouting): Report {
  return {
    ...report,
    targets: report.targets.map((target) => {
      const problems = routing.problemsByTarget.get(`${target.accountId}#${target.region}`);
      return problems === undefined || problems.length === 0 ? target : { ...target, routingProblems: problems };
    }),
    certificates: report.certificates.map((cert) => {
      const route = routing.byArn.get(cert.arn);
      return route === undefined ? cert : { ...cert, route: { destination: route.destination, rule: route.rule } };
    }),
    routingProblems: routing.problems,
  };
}
