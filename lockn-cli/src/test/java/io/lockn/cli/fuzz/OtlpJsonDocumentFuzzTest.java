package io.lockn.cli.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lockn.cli.audit.OtlpJsonReaderAccess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fuzzes the whole-file path of the OTLP JSON reader: the input is the entire file, so the reader's own choice
 * between JSON lines and one (pretty-printed) OTLP/HTTP document is fuzzed too. Seeds: the audit tests' exports,
 * pretty and line-wise, in {@code OtlpJsonDocumentFuzzTestInputs/document/}.
 */
class OtlpJsonDocumentFuzzTest {

  /** Reading any file never throws; every problem names a line (0 only when none is known) in one short line. */
  @FuzzTest(maxDuration = "15s")
  void document(byte[] data) throws IOException {
    Path path = Files.createTempFile("lockn-fuzz", ".json");
    List<OtlpJsonReaderAccess.Problem> problems;
    try {
      Files.write(path, data);
      problems = OtlpJsonReaderAccess.read(path).problems();
    } finally {
      Files.deleteIfExists(path);
    }
    for (OtlpJsonReaderAccess.Problem p : problems) {
      String m = p.message();
      if (p.line() < 0 || m.length() > OtlpJsonLinesFuzzTest.MAX_MESSAGE || m.indexOf('\n') >= 0
          || m.indexOf('\r') >= 0) {
        throw new AssertionError("problem on line " + p.line() + ", " + m.length() + " chars: "
            + OtlpJsonLinesFuzzTest.clip(m));
      }
    }
  }
}
