package io.lockn.springai.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.metadata.EmptyUsage;
import org.springframework.ai.chat.model.ChatResponse;

class StreamedUsagesTest {

  private static ChatResponse chunk(String id, org.springframework.ai.chat.metadata.Usage usage) {
    return new ChatResponse(List.of(), ChatResponseMetadata.builder().id(id).usage(usage).build());
  }

  @Test
  void keepsOnlyChunksWithUsage_andTakeForgetsThem() {
    StreamedUsages.capture(chunk("content-chunk", new EmptyUsage()));
    DefaultUsage usage = new DefaultUsage(10, 5);
    StreamedUsages.capture(chunk("usage-chunk", usage));

    assertThat(StreamedUsages.take("content-chunk")).isNull();
    assertThat(StreamedUsages.take("usage-chunk")).isSameAs(usage);
    assertThat(StreamedUsages.take("usage-chunk")).isNull();
    assertThat(StreamedUsages.take(null)).isNull();
    assertThat(StreamedUsages.take("")).isNull();
  }

  @Test
  void boundedWithTheOldestDroppedFirst() {
    int extra = 10;
    for (int i = 0; i < StreamedUsages.MAX_ENTRIES + extra; i++) {
      StreamedUsages.capture(chunk("bounded-" + i, new DefaultUsage(1, 1)));
    }

    assertThat(StreamedUsages.size()).isLessThanOrEqualTo(StreamedUsages.MAX_ENTRIES);
    assertThat(StreamedUsages.take("bounded-0")).isNull();
    assertThat(StreamedUsages.take("bounded-" + (StreamedUsages.MAX_ENTRIES + extra - 1))).isNotNull();
    for (int i = 0; i < StreamedUsages.MAX_ENTRIES + extra; i++) {
      StreamedUsages.take("bounded-" + i);
    }
  }

  @Test
  void aChunkWithoutMetadataIsIgnored() {
    StreamedUsages.capture(new ChatResponse(List.of()));
    assertThat(StreamedUsages.take("anything")).isNull();
  }
}
