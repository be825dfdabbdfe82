package io.lockn.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunawayDetectorTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2025-03-15T12:00:00Z"));

  @Test
  void toolLoop_ofFiveIdenticalCalls_isFlagged_modelCallsBetweenIgnored() {
    List<Runaway> heard = new ArrayList<>();
    RunawayDetector d = RunawayDetector.builder().addListener(TestListeners.runaways(heard::add)).build();
    RunawayDetector.Task task = d.startTask("trace", "agent-span", "researcher", true);
    for (int i = 1; i <= 4; i++) {
      assertThat(task.modelCall(100, "m" + i)).isNull();
      assertThat(task.toolCall("search", "{\"q\":\"x\"}", "t" + i)).isNull();
    }
    Runaway r = task.toolCall("search", "{\"q\":\"x\"}", "t5");

    assertThat(r).isNotNull();
    assertThat(r.reason()).isEqualTo(Runaway.Reason.TOOL_LOOP);
    assertThat(r.value()).isEqualTo(5);
    assertThat(r.tool()).isEqualTo("search");
    assertThat(r.spanId()).isEqualTo("t5");
    assertThat(r.agent()).isEqualTo("researcher");
    assertThat(r.killed()).isFalse();
    assertThat(heard).containsExactly(r);
    assertThat(task.toolCall("search", "{\"q\":\"x\"}", "t6")).as("reported once per task").isNull();
  }

  @Test
  void fourIdenticalCalls_orDifferentArguments_areNotALoop() {
    RunawayDetector d = RunawayDetector.builder().build();
    RunawayDetector.Task four = d.startTask("trace", "a1", "r", true);
    for (int i = 0; i < 4; i++) {
      assertThat(four.toolCall("search", "{\"q\":\"x\"}", "t")).isNull();
    }
    RunawayDetector.Task broken = d.startTask("trace", "a2", "r", true);
    String[] args = {"x", "x", "x", "x", "y", "x", "x", "x", "x"};
    for (String a : args) {
      assertThat(broken.toolCall("search", a, "t")).isNull();
    }
    RunawayDetector.Task otherTool = d.startTask("trace", "a3", "r", true);
    for (int i = 0; i < 4; i++) {
      otherTool.toolCall("search", "x", "t");
    }
    assertThat(otherTool.toolCall("fetch", "x", "t")).isNull();
    RunawayDetector.Task capturedVsNot = d.startTask("trace", "a4", "r", true);
    for (int i = 0; i < 4; i++) {
      capturedVsNot.toolCall("search", null, "t");
    }
    assertThat(capturedVsNot.toolCall("search", "x", "t")).isNull();
    assertThat(capturedVsNot.toolCall("search", "x", "t")).isNull();
  }

  @Test
  void toolNameAlone_whenArgumentsAreNotCaptured() {
    RunawayDetector d = RunawayDetector.builder().setToolRepeats(3).build();
    RunawayDetector.Task task = d.startTask("trace", "a", "r", true);
    task.toolCall("search", null, "t");
    task.toolCall("search", null, "t");
    assertThat(task.toolCall("search", null, "t")).isNotNull();
  }

  @Test
  void toolLoopRule_appliesOnlyWithinAgentInvocations_likeTheAudit() {
    RunawayDetector d = RunawayDetector.builder().build();
    RunawayDetector.Task root = d.startTask("trace", "root", "job", false);
    for (int i = 0; i < 10; i++) {
      assertThat(root.toolCall("search", "x", "t")).isNull();
    }
  }

  private static void usualTask(RunawayDetector d, String agent, int modelCalls, int toolCalls, long costEach) {
    RunawayDetector.Task t = d.startTask("old", "s", agent, true);
    for (int i = 0; i < modelCalls; i++) {
      t.modelCall(costEach, "m");
    }
    for (int i = 0; i < toolCalls; i++) {
      t.toolCall("tool" + i, null, "t");
    }
    d.endTask(t);
  }

  @Test
  void taskWithFourTimesItsUsualCalls_isFlagged_afterWarmUp() {
    RunawayDetector d = RunawayDetector.builder().setWarmUpTasks(5).build();
    for (int i = 0; i < 4; i++) {
      usualTask(d, "planner", 5, 0, 0);
    }
    RunawayDetector.Task early = d.startTask("t0", "s", "planner", true);
    for (int i = 0; i < 20; i++) {
      assertThat(early.modelCall(0, "m")).as("still warming up").isNull();
    }
    usualTask(d, "planner", 5, 0, 0); // the 5th completed task; the early one was not ended

    RunawayDetector.Task task = d.startTask("t1", "agent", "planner", true);
    Runaway r = null;
    int calls = 0;
    while (r == null && calls < 20) {
      r = task.modelCall(0, "m" + ++calls);
    }
    assertThat(r).isNotNull();
    assertThat(calls).isEqualTo(16); // more than 3 x 5
    assertThat(r.reason()).isEqualTo(Runaway.Reason.MODEL_CALLS);
    assertThat(r.usual()).isEqualTo(5.0);
    assertThat(r.limit()).isEqualTo(15.0);
    assertThat(r.spanId()).isEqualTo("m16");

    RunawayDetector.Task other = d.startTask("t2", "agent", "writer", true);
    for (int i = 0; i < 20; i++) {
      assertThat(other.modelCall(0, "m")).as("another agent has no baseline").isNull();
    }
  }

  @Test
  void costAndToolCallRules() {
    RunawayDetector d = RunawayDetector.builder().setWarmUpTasks(3).build();
    for (int i = 0; i < 3; i++) {
      usualTask(d, "a", 2, 2, 1_000);
    }
    RunawayDetector.Task costly = d.startTask("t1", "s", "a", true);
    assertThat(costly.modelCall(5_000, "m")).isNull();
    Runaway r = costly.modelCall(1_001, "m2");
    assertThat(r).isNotNull();
    assertThat(r.reason()).isEqualTo(Runaway.Reason.COST);
    assertThat(r.value()).isEqualTo(6_001);
    assertThat(r.limit()).isEqualTo(6_000.0);

    RunawayDetector.Task tools = d.startTask("t2", "s", "a", true);
    for (int i = 0; i < 6; i++) {
      assertThat(tools.toolCall("t" + i, null, "t")).isNull();
    }
    assertThat(tools.toolCall("t6", null, "t")).extracting(Runaway::reason).isEqualTo(Runaway.Reason.TOOL_CALLS);
  }

  @Test
  void runawayTasks_stayOutOfTheBaseline() {
    RunawayDetector d = RunawayDetector.builder().setWarmUpTasks(1).build();
    usualTask(d, "a", 1, 0, 0);
    for (int k = 0; k < 3; k++) {
      RunawayDetector.Task t = d.startTask("t", "s", "a", true);
      Runaway r = null;
      for (int i = 0; i < 4; i++) {
        r = t.modelCall(0, "m");
      }
      assertThat(r).isNotNull();
      d.endTask(t);
    }
  }

  @Test
  void killSwitch_killsTheTrace_untilItExpires() {
    RunawayDetector d = RunawayDetector.builder().setToolRepeats(2).setClock(clock)
        .enableKillSwitch(Duration.ofMinutes(10)).build();
    RunawayDetector.Task task = d.startTask("trace-a", "s", "a", true);
    task.toolCall("x", null, "t");
    Runaway r = task.toolCall("x", null, "t");
    assertThat(r).isNotNull();
    assertThat(r.killed()).isTrue();
    assertThat(d.killedBy("trace-a")).isEqualTo(r);
    assertThat(d.killedBy("trace-b")).isNull();
    clock.advance(Duration.ofMinutes(10));
    assertThat(d.killedBy("trace-a")).isNull();
    assertThat(d.killedTraces()).isZero();
  }

  @Test
  void memory_isBounded() {
    RunawayDetector d = RunawayDetector.builder().setToolRepeats(2).setClock(clock)
        .enableKillSwitch(Duration.ofHours(1)).setMaxKilledTraces(50).setMaxTrackedAgents(20).build();
    for (int i = 0; i < 1000; i++) {
      RunawayDetector.Task t = d.startTask("trace-" + i, "s", "agent-" + i, true);
      t.toolCall("x", null, "t");
      assertThat(t.toolCall("x", null, "t")).isNotNull();
      usualTask(d, "agent-" + i, 1, 1, 1);
    }
    assertThat(d.killedTraces()).isEqualTo(50);
    assertThat(d.killedBy("trace-999")).isNotNull();
    assertThat(d.killedBy("trace-0")).as("the oldest kills went first").isNull();
    assertThat(d.trackedAgents()).isEqualTo(20);
  }

  @Test
  void listenerFailure_isContained() {
    List<Runaway> heard = new ArrayList<>();
    RunawayDetector d = RunawayDetector.builder().setToolRepeats(2)
        .addListener(new BudgetListener() {
          @Override
          public void onAlert(BudgetEvent event) {}

          @Override
          public void onRunaway(Runaway runaway) {
            throw new IllegalStateException("boom");
          }
        })
        .addListener(new BudgetListener() {
          @Override
          public void onAlert(BudgetEvent event) {}

          @Override
          public void onRunaway(Runaway runaway) {
            heard.add(runaway);
          }
        })
        .build();
    RunawayDetector.Task t = d.startTask("trace", "s", "a", true);
    t.toolCall("x", null, "t");
    assertThat(t.toolCall("x", null, "t")).isNotNull();
    assertThat(heard).hasSize(1);
  }
}
