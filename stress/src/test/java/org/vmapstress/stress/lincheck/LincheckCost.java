package org.vmapstress.stress.lincheck;

/**
 * What one model-checking invocation of the fixed model costs: one warm-up iteration (Lincheck
 * instruments the classes it runs, the longest part of a short run), then ITERATIONS timed
 * iterations of the test's invocations per iteration; prints milliseconds per invocation.
 *
 * <p>{@code LincheckCost [ITERATIONS]} (default 10), on the class path of {@link LincheckRun}.
 * The figure in docs/lincheck.md comes from running it on two checkouts back to back.
 */
public final class LincheckCost {
    private LincheckCost() {
    }

    public static void main(String[] args) {
        int iterations = args.length == 1 ? Integer.parseInt(args[0]) : 10;
        int perIteration = AllocatorLincheckTest.MODEL_CHECKING_INVOCATIONS_PER_ITERATION;
        AllocatorLincheckTest.modelChecking().iterations(1).check(FixedModelLincheckTest.class);
        long start = System.nanoTime();
        AllocatorLincheckTest.modelChecking().iterations(iterations).check(FixedModelLincheckTest.class);
        double millis = (System.nanoTime() - start) / 1e6;
        System.out.printf("model checking: %d invocations in %.1f s, %.1f ms an invocation%n", iterations * perIteration,
                millis / 1000, millis / (iterations * perIteration));
    }
}
