package org.vmapstress.stress.lincheck;

import org.jetbrains.lincheck.datastructures.Options;

/**
 * What one invocation of the fixed model costs, in model checking (the default) or stress: one
 * warm-up iteration (Lincheck instruments the classes it runs, the longest part of a short run),
 * then ITERATIONS timed iterations of the test's invocations per iteration; prints milliseconds
 * per invocation.
 *
 * <p>{@code LincheckCost [ITERATIONS] [model-checking|stress]} (default 10, model checking), on the
 * class path of {@link LincheckRun}. The figures in docs/lincheck.md come from running it on two
 * checkouts back to back.
 */
public final class LincheckCost {
    private LincheckCost() {
    }

    public static void main(String[] args) {
        int iterations = args.length >= 1 ? Integer.parseInt(args[0]) : 10;
        boolean stress = args.length == 2 && args[1].equals("stress");
        int perIteration = stress ? AllocatorLincheckTest.STRESS_INVOCATIONS_PER_ITERATION
                : AllocatorLincheckTest.MODEL_CHECKING_INVOCATIONS_PER_ITERATION;
        options(stress).iterations(1).check(FixedModelLincheckTest.class);
        long start = System.nanoTime();
        options(stress).iterations(iterations).check(FixedModelLincheckTest.class);
        double millis = (System.nanoTime() - start) / 1e6;
        System.out.printf("%s: %d invocations in %.1f s, %.3f ms an invocation%n", stress ? "stress" : "model checking",
                iterations * perIteration, millis / 1000, millis / (iterations * perIteration));
    }

    private static Options<?, ?> options(boolean stress) {
        return stress ? AllocatorLincheckTest.stress() : AllocatorLincheckTest.modelChecking();
    }
}
