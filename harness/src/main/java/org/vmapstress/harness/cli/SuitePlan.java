package org.vmapstress.harness.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.vmapstress.harness.BadInput;

/**
 * How {@code suite} spends its budget, decided before any step starts. Every step gets the
 * time it needs on an idle two-core machine (its {@link Engine#needs}, measured: see
 * docs/suite.md), and the rest of the budget is shared out by weight; a budget below the sum
 * of the needs is bad input naming the minimum. A child step (jcstress, Lincheck) is sized
 * to its share with its own knobs and ended where the later steps' needs begin (an overrun
 * comes out of the explorations, which fill whatever time is left), so the suite ends within
 * its budget whatever the machine's load; a step that ran out of time is incomplete, never clean.
 *
 * @param steps in the order they run
 * @param reserve kept back at the end for shrinking overruns, the report and the JUnit XML
 */
record SuitePlan(List<Step> steps, Duration reserve) {
    /** Time kept back at the end of the budget for the report. */
    static final Duration RESERVE = Duration.ofSeconds(5);

    /** The suite's steps, in the order they run. */
    enum Engine {
        CORPUS("corpus", 0),
        JCSTRESS("jcstress", 0.3),
        LINCHECK("lincheck", 0.2),
        /** The named scenarios searched to completion ({@link ExhaustiveRuns#SUITE}): a fixed amount of work, no share of the rest. */
        EXHAUSTIVE("exhaustive", 0),
        RANDOM("random", 0.2),
        PCT3("pct3", 0.15),
        POS("pos", 0.1),
        FREE("free", 0.15),
        /** The controlled random walk with the race detector on ({@code --races}): its own share, as a stricter judge. */
        RACES("races", 0.1);

        private final String name;
        private final double weight;

        Engine(String name, double weight) {
            this.name = name;
            this.weight = weight;
        }

        String cliName() {
            return name;
        }

        static List<String> names() {
            return java.util.Arrays.stream(values()).map(Engine::cliName).toList();
        }

        static Engine named(String name) {
            return java.util.Arrays.stream(values()).filter(e -> e.name.equals(name)).findFirst().orElseThrow();
        }

        boolean exploration() {
            return this == RANDOM || this == PCT3 || this == POS || this == FREE || this == RACES;
        }

        /**
         * Seconds the step needs at least, on an idle two-core machine: the corpus replay a few
         * seconds; jcstress starts its harness (about 15 s with the listing and the grading
         * JVMs) and forks two JVMs per test in sanity mode (about 7 s a test); Lincheck what
         * {@code lincheckSeconds} says (its modes' needs, StressArtifacts.lincheckNeeds); the
         * exhaustive searches what {@link ExhaustiveRuns#SUITE_SECONDS} says; an exploration is
         * worth running for 3 s.
         */
        long needs(int jcstressTests, long lincheckSeconds) {
            return switch (this) {
                case CORPUS -> 5;
                case JCSTRESS -> jcstressTests == 0 ? 0 : 15 + 7L * jcstressTests;
                case LINCHECK -> lincheckSeconds;
                case EXHAUSTIVE -> ExhaustiveRuns.SUITE_SECONDS;
                case RANDOM, PCT3, POS, FREE, RACES -> 3;
            };
        }
    }

    /** One step: its engine, what it needs at least, and its share of the budget. */
    record Step(Engine engine, Duration needs, Duration share) {
        @Override
        public String toString() {
            return engine.cliName() + (engine == Engine.CORPUS ? "" : " " + seconds(share));
        }
    }

    /**
     * The plan for {@code engines} within {@code budget}; {@code jcstressTests} is how many
     * jcstress tests this shard runs, {@code lincheckSeconds} what its Lincheck modes need (0:
     * nothing to run).
     */
    static SuitePlan of(Duration budget, List<String> engines, int jcstressTests, long lincheckSeconds) {
        List<Engine> chosen = Engine.names().stream().filter(engines::contains).map(Engine::named).toList();
        Duration minimum = minimum(chosen, jcstressTests, lincheckSeconds);
        if (budget.compareTo(minimum) < 0) {
            throw new BadInput("--budget " + seconds(budget) + " is below the suite's minimum of " + seconds(minimum)
                    + " for --engines " + String.join(",", engines) + " (what each step needs on an idle machine);"
                    + " give --budget " + seconds(minimum) + " or more, or fewer --engines");
        }
        long spare = budget.minus(minimum).toMillis();
        double weights = chosen.stream().mapToDouble(e -> e.weight).sum();
        List<Step> steps = new ArrayList<>();
        for (Engine engine : chosen) {
            long needs = engine.needs(jcstressTests, lincheckSeconds) * 1000;
            long extra = weights == 0 ? 0 : Math.round(spare * engine.weight / weights);
            steps.add(new Step(engine, Duration.ofMillis(needs), Duration.ofMillis(needs + extra)));
        }
        return new SuitePlan(steps, RESERVE);
    }

    /** The sum of what the chosen steps need, and the reserve. */
    static Duration minimum(List<Engine> chosen, int jcstressTests, long lincheckSeconds) {
        long seconds = chosen.stream().mapToLong(e -> e.needs(jcstressTests, lincheckSeconds)).sum();
        return Duration.ofSeconds(seconds).plus(RESERVE);
    }

    boolean runs(Engine engine) {
        return steps.stream().anyMatch(s -> s.engine() == engine);
    }

    Duration share(Engine engine) {
        return steps.stream().filter(s -> s.engine() == engine).map(Step::share).findFirst().orElse(Duration.ZERO);
    }

    Duration needs(Engine engine) {
        return steps.stream().filter(s -> s.engine() == engine).map(Step::needs).findFirst().orElse(Duration.ZERO);
    }

    /** What the steps after {@code engine} need at least, and the reserve: time a step must leave them. */
    Duration neededAfter(Engine engine) {
        return steps.stream().filter(s -> s.engine().ordinal() > engine.ordinal()).map(Step::needs)
                .reduce(reserve, Duration::plus);
    }

    /** The exploration steps' shares, each as a fraction of all exploration shares. */
    double explorationFraction(Engine engine) {
        double all = steps.stream().filter(s -> s.engine().exploration()).mapToLong(s -> s.share().toMillis()).sum();
        return all == 0 ? 0 : share(engine).toMillis() / all;
    }

    @Override
    public String toString() {
        return steps.stream().map(Step::toString).collect(Collectors.joining(", "));
    }

    static String seconds(Duration duration) {
        long s = duration.toSeconds();
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
