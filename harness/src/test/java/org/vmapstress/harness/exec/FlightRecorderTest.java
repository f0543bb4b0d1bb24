package org.vmapstress.harness.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.vmapstress.harness.sched.Step;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;
import org.vmapstress.model.CpuContext;
import org.vmapstress.harness.workload.Op;
import org.vmapstress.model.InvariantId;
import org.vmapstress.model.LockClass;
import org.vmapstress.model.ModelAssertion;
import org.vmapstress.model.ModelLock;
import org.vmapstress.model.SchedulePoint;

/** The free-running flight recorder: what it keeps, in which order, and a free-running failure's recorded interleaving. */
class FlightRecorderTest {
    @Test
    void eachWorkerKeepsItsLastEventsAndTheTraceMergesThemByStamp() throws InterruptedException {
        FlightRecorder recorder = new FlightRecorder(2, 3);
        ModelLock lock = new ModelLock(LockClass.BLOCK, "vb@0.lock", recorder);
        oneAfterTheOther(recorder, new int[] {1, 3}, () -> {
            recorder.operationStarts(Op.of(Op.Kind.MAP, 1));
            IntStream.range(0, 5).forEach(i -> recorder.point(SchedulePoint.READ_CPU, i));
            lock.lock();
            recorder.point(SchedulePoint.READ_CPU, 99);
        }, () -> {
            recorder.operationStarts(Op.of(Op.Kind.UNMAP));
            recorder.point(SchedulePoint.READ_CPU, 7);
        });

        List<Step> trace = recorder.trace();

        assertEquals(List.of("raw_smp_processor_id 4", "acquire vb@0.lock 0", "raw_smp_processor_id 99",
                "operation start 0", "raw_smp_processor_id 7"), trace.stream().map(s -> s.point() + " " + s.subject()).toList(),
                "worker 0's last three events, then worker 1's two: ordered by stamp");
        assertEquals(List.of(0, 0, 0, 1, 1), trace.stream().map(Step::thread).toList());
        assertEquals(List.of(1, 1, 1, 3, 3), trace.stream().map(Step::cpu).toList());
        assertEquals("vb@0.lock", trace.get(2).locks(), "held after the acquire");
        assertEquals("", trace.get(1).locks(), "not yet held at the acquire itself");
        assertEquals(List.of(0, 1, 2, 3, 4), trace.stream().map(Step::index).toList());
        assertEquals("unmap", trace.get(4).operation());
    }

    @Test
    void aWorkerThatRecordsFarMoreThanItKeepsKeepsItsNewestEventsAndNeverWaits() throws InterruptedException {
        FlightRecorder recorder = new FlightRecorder(1, 10);
        Thread busy = worker(recorder, 0, 0, () -> IntStream.range(0, 100_000).forEach(i -> recorder.point(SchedulePoint.READ_CPU, i)));
        busy.start();
        busy.join(10_000);

        List<Step> trace = recorder.trace();
        assertEquals(IntStream.range(99_990, 100_000).boxed().toList(), trace.stream().map(s -> (int) s.subject()).toList(),
                "the last ten events, oldest first");
    }

    @Test
    void theLocksHeldCarryOverFromOneChunkOfEventsToTheNext() throws InterruptedException {
        FlightRecorder recorder = new FlightRecorder(1, 40);
        ModelLock outer = new ModelLock(LockClass.BLOCK, "vb@0.lock", recorder);
        ModelLock inner = new ModelLock(LockClass.QUEUE, "vbq[0].lock", recorder);
        int points = 7 * FlightRecorder.CHUNK_EVENTS - 2;
        oneAfterTheOther(recorder, new int[] {0}, () -> {
            outer.lock();
            inner.lock();
            // seven chunks go through a queue of four: the first ones are taken out and filled again
            IntStream.range(0, points).forEach(i -> recorder.point(SchedulePoint.READ_CPU, i));
            outer.unlock(); // the first event of the eighth chunk
            recorder.point(SchedulePoint.READ_CPU, points);
            inner.unlock();
        });

        List<Step> trace = recorder.trace();

        assertEquals(40, trace.size());
        assertEquals(List.of("vb@0.lock,vbq[0].lock"), trace.subList(0, 37).stream().map(Step::locks).distinct().toList(),
                "both locks, taken some 190 events before the kept ones, are held at every point");
        assertEquals(List.of("release vb@0.lock vbq[0].lock", "raw_smp_processor_id vbq[0].lock", "release vbq[0].lock "),
                trace.subList(37, 40).stream().map(s -> s.point() + " " + s.locks()).toList(),
                "the outer lock released first, at a chunk's first event: held after it, the inner one only");
    }

    @Test
    void aFreeRunningViolationCarriesTheRecordedInterleavingOfEveryWorker() throws InterruptedException {
        ExecutionSpec spec = new ExecutionSpec(BugSet.of(Bug.LAZY_PTE_CLEAR), ModelShape.firstCpus(4), "random", 3, 20, 0x5eed,
                ExecutionSpec.FREE_RUNNING, 0);
        FreeRun.Outcome outcome = null;
        for (long exec = 0; exec < 50 && (outcome == null || outcome.violation() == null); exec++) {
            outcome = new FreeRun(Duration.ofSeconds(30), 64).run(spec.withExec(exec));
        }

        assertEquals("UNMAP-CLEARS", outcome.violation().invariant().id());
        List<Step> recorded = outcome.recorded();
        assertTrue(recorded.size() > 10, recorded.size() + " events");
        for (int worker = 0; worker < 3; worker++) {
            int w = worker;
            assertTrue(recorded.stream().filter(s -> s.thread() == w).count() <= 64, "at most 64 events of worker " + w);
        }
        assertTrue(recorded.stream().anyMatch(s -> s.operation().equals("unmap") && s.point().equals(FlightRecorder.OPERATION_END)),
                "the unmap that returned with its PTEs still mapped is in the recording: "
                        + recorded.subList(Math.max(0, recorded.size() - 10), recorded.size()));
        assertEquals(IntStream.range(0, recorded.size()).boxed().toList(), recorded.stream().map(Step::index).toList());
        assertTrue(new FreeRun(Duration.ofSeconds(30), 0).run(spec.withExec(0)).recorded().isEmpty(), "no recorder, no recording");
    }

    @Test
    void aReleaseSortsAfterThePreviousHoldersReleaseThoughItsHolderStampedNothingInside() throws InterruptedException {
        FlightRecorder recorder = new FlightRecorder(2, 16);
        ModelLock lock = new ModelLock(LockClass.PAGE_ALLOC, "zone.lock", recorder);
        CountDownLatch firstHolderDone = new CountDownLatch(1);
        CountDownLatch secondStarted = new CountDownLatch(1);
        Thread second = worker(recorder, 1, 1, () -> {
            recorder.operationStarts(Op.of(Op.Kind.REUSE_DATA));
            secondStarted.countDown();
            awaitQuietly(firstHolderDone);
            lock.lock();
            lock.unlock();
        });
        Thread first = worker(recorder, 0, 0, () -> {
            awaitQuietly(secondStarted);
            recorder.operationStarts(Op.of(Op.Kind.MAP, 1));
            lock.lock();
            recorder.point(SchedulePoint.PAGE_ALLOC, 0);
            lock.unlock();
            firstHolderDone.countDown();
        });
        second.start();
        first.start();
        first.join();
        second.join();

        List<String> order = recorder.trace().stream().map(s -> s.thread() + " " + s.point()).toList();
        assertTrue(order.indexOf("1 release zone.lock") > order.indexOf("0 release zone.lock"),
                "worker 1 took the lock after worker 0 released it: " + order);
    }

    @Test
    void theOrderHasEveryStepFromTheStartUntilTheNextReset() throws InterruptedException {
        FlightRecorder recorder = new FlightRecorder(2, 2);
        ModelLock lock = new ModelLock(LockClass.BLOCK, "vb@0.lock", recorder);
        oneAfterTheOther(recorder, new int[] {0, 1}, () -> {
            recorder.operationStarts(Op.of(Op.Kind.MAP, 1));
            IntStream.range(0, 5).forEach(i -> recorder.point(SchedulePoint.READ_CPU, i));
            recorder.operationEnds();
        }, () -> {
            recorder.operationStarts(Op.of(Op.Kind.UNMAP));
            lock.lock();
            lock.unlock();
        });

        Recording recording = recorder.recording(worker -> true, 1);

        assertEquals(List.of(0, 0, 0, 0, 0, 1, 1), recording.order(), "five points, then an acquire and a release: every step, from the start");
        assertEquals(4, recording.steps().size(), "the queues keep the last two events of each worker");
        recorder.reset();
        Recording empty = recorder.recording(worker -> true, -1);
        assertEquals(List.of(), empty.order());
    }

    /**
     * A worker dying of a model assertion releases its locks without a schedule point of a
     * controlled execution, but they are released, and another worker may take them next: the
     * recording has the releases, with their steps, and the held locks end with them.
     */
    @Test
    void theReleasesOfAWorkerDyingOfAnAssertionAreRecordedWithTheirSteps() throws InterruptedException {
        FlightRecorder recorder = new FlightRecorder(1, 8);
        ModelLock purge = new ModelLock(LockClass.PURGE, "vmap_purge_lock", recorder);
        oneAfterTheOther(recorder, new int[] {0}, () -> {
            recorder.operationStarts(Op.of(Op.Kind.ALIASES));
            try {
                purge.lock();
                try {
                    throw new ModelAssertion(InvariantId.PUBLISHED_INIT, "raised while the lock is held");
                } finally {
                    purge.unlock();
                }
            } catch (ModelAssertion dying) {
                recorder.point(SchedulePoint.READ_CPU, 1);
            }
        });

        Recording recording = recorder.recording(worker -> true, 0);
        assertEquals(List.of("operation start", "acquire vmap_purge_lock", "release vmap_purge_lock", "raw_smp_processor_id"),
                recording.steps().stream().map(Step::point).toList());
        assertEquals("", recording.steps().get(3).locks(), "held no more");
        assertEquals(List.of(0, 0, 0), recording.order(), "the acquire, the release and the point are steps");
    }

    @Test
    void onlyTheLanesOfStoppedWorkersAreRead() throws InterruptedException {
        FlightRecorder recorder = new FlightRecorder(2, 4);
        for (int w = 0; w < 2; w++) {
            int worker = w;
            Thread thread = worker(recorder, worker, worker, () -> recorder.point(SchedulePoint.READ_CPU, worker));
            thread.start();
            thread.join();
        }

        assertEquals(List.of(1), recorder.recording(worker -> worker == 1, -1).steps().stream().map(Step::thread).toList());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Worker i runs {@code bodies[i]} on {@code cpus[i]}, each to its end before the next starts. */
    private static void oneAfterTheOther(FlightRecorder recorder, int[] cpus, Runnable... bodies) throws InterruptedException {
        for (int w = 0; w < bodies.length; w++) {
            Thread thread = worker(recorder, w, cpus[w], bodies[w]);
            thread.start();
            thread.join();
        }
    }

    private static Thread worker(FlightRecorder recorder, int worker, int cpu, Runnable events) {
        return recorder.worker(worker, new CpuContext(cpu), events, "worker-" + worker);
    }
}
