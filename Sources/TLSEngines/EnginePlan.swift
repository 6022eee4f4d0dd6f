/// A probe's configuration decided before any thread or socket is spent, or why it cannot run.
enum EnginePlan<Plan: Sendable>: Sendable {
    case ready(Plan)
    case cannot(ProbeFailure)
}
