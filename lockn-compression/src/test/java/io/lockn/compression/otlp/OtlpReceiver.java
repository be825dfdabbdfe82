package io.lockn.compression.otlp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPInputStream;

/**
 * A loopback OTLP receiver, over HTTP/protobuf (the JDK's HTTP server) or gRPC (grpc-java on Netty), that decodes what
 * the SDK's exporters send with the official {@code opentelemetry-proto} message classes, as a Collector would.
 *
 * <p>Its {@link Mode} can be switched at any time: accept, fail with the protocol's retryable "unavailable" answer
 * (HTTP 503, gRPC {@code UNAVAILABLE}), or hang until {@link #release()} (a receiver slower than any exporter
 * timeout, without a fixed sleep). Only accepted requests are kept in {@link #traces()} and {@link #metrics()};
 * {@link #traceRequests()} counts every trace request that arrived, whatever the answer.
 */
final class OtlpReceiver implements AutoCloseable {

  /** How the receiver answers. */
  enum Mode {
    ACCEPT,
    UNAVAILABLE,
    HANG
  }

  /** The wire protocol, with the exporter endpoint the SDK's OTLP exporters take for it. */
  enum Protocol {
    HTTP_PROTOBUF,
    GRPC
  }

  private static final String TRACE_SERVICE = "opentelemetry.proto.collector.trace.v1.TraceService";
  private static final String METRICS_SERVICE = "opentelemetry.proto.collector.metrics.v1.MetricsService";

  private static final MethodDescriptor<ExportTraceServiceRequest, ExportTraceServiceResponse> TRACE_EXPORT =
      MethodDescriptor.<ExportTraceServiceRequest, ExportTraceServiceResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(TRACE_SERVICE, "Export"))
          .setRequestMarshaller(ProtoUtils.marshaller(ExportTraceServiceRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(ExportTraceServiceResponse.getDefaultInstance()))
          .build();

  private static final MethodDescriptor<ExportMetricsServiceRequest, ExportMetricsServiceResponse> METRICS_EXPORT =
      MethodDescriptor.<ExportMetricsServiceRequest, ExportMetricsServiceResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(METRICS_SERVICE, "Export"))
          .setRequestMarshaller(ProtoUtils.marshaller(ExportMetricsServiceRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(ExportMetricsServiceResponse.getDefaultInstance()))
          .build();

  private final Protocol protocol;
  private final int port;
  private final List<ExportTraceServiceRequest> traces = new CopyOnWriteArrayList<>();
  private final List<ExportMetricsServiceRequest> metrics = new CopyOnWriteArrayList<>();
  private final AtomicInteger traceRequests = new AtomicInteger();
  private final CountDownLatch released = new CountDownLatch(1);
  private final CountDownLatch hanging = new CountDownLatch(1);
  private final Object arrivals = new Object();
  private volatile Mode mode = Mode.ACCEPT;

  // One of the two servers, with the HTTP server's handler pool.
  private HttpServer http;
  private ExecutorService httpExecutor;
  private Server grpc;

  private OtlpReceiver(Protocol protocol, int port) {
    this.protocol = protocol;
    this.port = port;
  }

  /** Starts a receiver on 127.0.0.1:{@code port}; 0 picks a free port. */
  static OtlpReceiver start(Protocol protocol, int port) throws IOException {
    OtlpReceiver receiver = new OtlpReceiver(protocol, port);
    receiver.startServer();
    return receiver;
  }

  /** A loopback port nothing listens on: bound, then closed at once (a receiver that is down). */
  static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  private void startServer() throws IOException {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    if (protocol == Protocol.HTTP_PROTOBUF) {
      http = HttpServer.create(address, 0);
      // A pool, so that a hanging request does not hold up the next one (the default runs handlers on the
      // dispatcher thread).
      httpExecutor = Executors.newCachedThreadPool();
      http.setExecutor(httpExecutor);
      http.createContext("/v1/traces", exchange -> handleHttp(exchange, true));
      http.createContext("/v1/metrics", exchange -> handleHttp(exchange, false));
      http.start();
    } else {
      ServerServiceDefinition traceService =
          ServerServiceDefinition.builder(TRACE_SERVICE)
              .addMethod(TRACE_EXPORT, ServerCalls.asyncUnaryCall(
                  (request, observer) -> handleGrpc(observer, true, () -> traces.add(request),
                      ExportTraceServiceResponse.getDefaultInstance())))
              .build();
      ServerServiceDefinition metricsService =
          ServerServiceDefinition.builder(METRICS_SERVICE)
              .addMethod(METRICS_EXPORT, ServerCalls.asyncUnaryCall(
                  (request, observer) -> handleGrpc(observer, false, () -> metrics.add(request),
                      ExportMetricsServiceResponse.getDefaultInstance())))
              .build();
      grpc = NettyServerBuilder.forAddress(address)
          .addService(traceService)
          .addService(metricsService)
          .build()
          .start();
    }
  }

  /** This receiver's endpoint for the traces ({@code true}) or metrics exporter. */
  String endpoint(boolean traces) {
    return endpoint(protocol, port(), traces);
  }

  /**
   * The endpoint the SDK's exporters take: gRPC exporters want the bare URL, HTTP exporters the full URL of the
   * signal's path (they append nothing).
   */
  static String endpoint(Protocol protocol, int port, boolean traces) {
    String base = "http://127.0.0.1:" + port;
    if (protocol == Protocol.GRPC) {
      return base;
    }
    return base + (traces ? "/v1/traces" : "/v1/metrics");
  }

  int port() {
    if (http != null) {
      return http.getAddress().getPort();
    }
    return grpc != null ? grpc.getPort() : port;
  }

  void mode(Mode mode) {
    this.mode = mode;
  }

  /** Lets hanging requests finish (they are then answered as accepted, long after the exporter gave up). */
  void release() {
    released.countDown();
  }

  /** Waits until a request is hanging in the receiver, so that the exporter's thread is known to be waiting on it. */
  boolean awaitHanging(Duration timeout) throws InterruptedException {
    return hanging.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Accepted trace requests, in arrival order. */
  List<ExportTraceServiceRequest> traces() {
    return List.copyOf(traces);
  }

  /** Accepted metrics requests, in arrival order. */
  List<ExportMetricsServiceRequest> metrics() {
    return List.copyOf(metrics);
  }

  /** Every trace request that arrived, accepted or not. */
  int traceRequests() {
    return traceRequests.get();
  }

  /** The spans of every accepted trace request. */
  List<Span> spans() {
    List<Span> spans = new ArrayList<>();
    for (ExportTraceServiceRequest request : traces) {
      for (ResourceSpans rs : request.getResourceSpansList()) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          spans.addAll(ss.getSpansList());
        }
      }
    }
    return spans;
  }

  /** Waits until the condition holds, re-checking at each arrival; false when the timeout passes first. */
  boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (arrivals) {
      while (!condition.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(arrivals, left);
      }
      return true;
    }
  }

  private void arrived() {
    synchronized (arrivals) {
      arrivals.notifyAll();
    }
  }

  private void handleHttp(HttpExchange exchange, boolean isTraces) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
          ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (isTraces) {
        traceRequests.incrementAndGet();
      }
      Mode now = hangIfAsked();
      if (now == Mode.UNAVAILABLE) {
        arrived();
        exchange.sendResponseHeaders(503, -1);
        return;
      }
      byte[] response;
      if (isTraces) {
        traces.add(ExportTraceServiceRequest.parseFrom(body));
        response = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
      } else {
        metrics.add(ExportMetricsServiceRequest.parseFrom(body));
        response = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
      }
      arrived();
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, response.length == 0 ? -1 : response.length);
      if (response.length > 0) {
        exchange.getResponseBody().write(response);
      }
    } catch (IOException e) {
      // The exporter gave up on a hanging request and closed the connection: nothing to answer.
      arrived();
    }
  }

  private <R> void handleGrpc(StreamObserver<R> observer, boolean isTraces, Runnable keep, R response) {
    if (isTraces) {
      traceRequests.incrementAndGet();
    }
    Mode now = hangIfAsked();
    if (now == Mode.UNAVAILABLE) {
      arrived();
      observer.onError(Status.UNAVAILABLE.withDescription("test receiver unavailable").asRuntimeException());
      return;
    }
    keep.run();
    arrived();
    try {
      observer.onNext(response);
      observer.onCompleted();
    } catch (RuntimeException e) {
      // Cancelled by the client after it timed out on a hanging request.
    }
  }

  /** In HANG mode, blocks this request until released; returns the mode to answer with. */
  private Mode hangIfAsked() {
    Mode now = mode;
    if (now == Mode.HANG) {
      hanging.countDown();
      arrived();
      try {
        released.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Mode.ACCEPT;
    }
    return now;
  }

  @Override
  public void close() throws InterruptedException {
    release();
    if (http != null) {
      http.stop(0);
      httpExecutor.shutdownNow();
      httpExecutor.awaitTermination(30, TimeUnit.SECONDS);
    }
    if (grpc != null) {
      grpc.shutdownNow();
      grpc.awaitTermination(30, TimeUnit.SECONDS);
    }
  }
}
