package org.vmapstress.harness.exec;

import org.vmapstress.harness.sched.Choices;
import org.vmapstress.harness.sched.Migrations;
import org.vmapstress.harness.sched.Pct;
import org.vmapstress.harness.sched.Pos;
import org.vmapstress.harness.sched.RandomWalk;
import org.vmapstress.harness.sched.SchedulePolicy;
import org.vmapstress.harness.workload.Workload;
import org.vmapstress.model.BugSet;
import org.vmapstress.model.ModelConfig;

/**
 * Everything that decides one controlled execution: the model (bugs, CPUs), the workload
 * (scenario or random, threads, ops, seed; a named scenario keeps the first {@code ops} operations
 * of each of its workers), the schedule policy, and the execution's index in
 * its run. The same spec gives the same trace, step for step.
 *
 * @param model the possible CPUs (gaps allowed) and the model's sizes
 * @param sched {@code random}, {@code pct:D} or {@code pos}, each optionally with
 *        {@value #MIGRATE} (the scheduler may migrate workers inside operations), or {@code free};
 *        or {@code choices:<packed>}, the picks of a schedule that has no seed ({@link Choices}: a
 *        free-running failure re-found by following its flight recording)
 */
public record ExecutionSpec(BugSet bugs, ModelShape model, String scenario, int threads, int ops, long seed, String sched,
                            long exec) {

    public static final String RANDOM_SCENARIO = "random";
    /** The schedule "policy" of free-running stress: none, real threads in parallel. */
    public static final String FREE_RUNNING = "free";
    /** The suffix of a schedule with migrations inside operations ({@link Migrations}), e.g. {@code random+migrate}. */
    public static final String MIGRATE = "+migrate";
    /** The most worker threads an execution may have (run's --threads, a token's threads). */
    public static final int MAX_THREADS = 64;
    /** The most operations per worker (run's --ops, a token's ops). */
    public static final int MAX_OPS = 10_000;

    public ModelConfig modelConfig() {
        return model.config();
    }

    public Workload workload() {
        if (RANDOM_SCENARIO.equals(scenario)) {
            return Workload.random(mix(seed, exec, 0x5eed), threads, ops);
        }
        return Workload.SCENARIOS.get(scenario).get().firstOps(ops);
    }

    /** A fresh policy for this execution; {@code expectedSteps} sizes PCT's change-point range. */
    public SchedulePolicy policy(long expectedSteps) {
        long schedSeed = mix(seed, exec, 0x5c4ed);
        String policy = policyName();
        if (policy.startsWith(Choices.PREFIX)) {
            return new Choices(Choices.unpack(policy.substring(Choices.PREFIX.length())));
        }
        if (policy.startsWith("pct:")) {
            return new Pct(Integer.parseInt(policy.substring(4)), workload().threadCount(), expectedSteps, schedSeed);
        }
        return policy.equals("pos") ? new Pos(workload().threadCount(), schedSeed) : new RandomWalk(schedSeed);
    }

    /** The schedule policy without {@value #MIGRATE}: random, pct:D, pos (or free). */
    public String policyName() {
        return policyOf(sched);
    }

    /** {@code sched} without its {@value #MIGRATE} suffix, if it has one. */
    public static String policyOf(String sched) {
        return sched.endsWith(MIGRATE) ? sched.substring(0, sched.length() - MIGRATE.length()) : sched;
    }

    /** Whether the scheduler may migrate workers inside operations. */
    public boolean migrates() {
        return sched.endsWith(MIGRATE);
    }

    /** This execution's migrations inside operations (seeded like its policy), or none. */
    public Migrations migrations() {
        return migrates() ? Migrations.seeded(mix(seed, exec, 0x319), modelConfig().possibleCpus()) : Migrations.NONE;
    }

    /** The same spec under another schedule policy. */
    public ExecutionSpec withSched(String newSched) {
        return new ExecutionSpec(bugs, model, scenario, threads, ops, seed, newSched, exec);
    }

    /** The same spec with other bug, patch and check switches. */
    public ExecutionSpec withBugs(BugSet newBugs) {
        return new ExecutionSpec(newBugs, model, scenario, threads, ops, seed, sched, exec);
    }

    public boolean freeRunning() {
        return FREE_RUNNING.equals(sched);
    }

    /** The same spec, another execution index. */
    public ExecutionSpec withExec(long newExec) {
        return new ExecutionSpec(bugs, model, scenario, threads, ops, seed, sched, newExec);
    }

    /** SplitMix64 over the seed, the execution index and a stream id. */
    static long mix(long seed, long exec, long stream) {
        long z = seed + 0x9E3779B97F4A7C15L * (exec + 1) + stream * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
