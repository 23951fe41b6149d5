package io.kratossync.local;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one) in this JVM, on
 * fixed loopback ports, with its log directory kept on disk: it can be stopped and
 * started again with its data, as a broker restart.
 */
public final class KafkaBroker implements AutoCloseable {

	private final Path logDir;

	private final Properties config = new Properties();

	private final int port;

	private KafkaRaftServer server;

	/**
	 * Prepares a broker; {@link #start()} starts it.
	 * @param logDir where it keeps its data (formatted on first start)
	 * @param port the client port on 127.0.0.1
	 * @param controllerPort the controller port on 127.0.0.1
	 */
	public KafkaBroker(Path logDir, int port, int controllerPort) {
		this.logDir = logDir;
		this.port = port;
		this.config.put("process.roles", "broker,controller");
		this.config.put("node.id", "1");
		this.config.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
		this.config.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
		this.config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
		this.config.put("controller.listener.names", "CONTROLLER");
		this.config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
		this.config.put("inter.broker.listener.name", "PLAINTEXT");
		this.config.put("log.dirs", logDir.toString());
		this.config.put("offsets.topic.replication.factor", "1");
		this.config.put("offsets.topic.num.partitions", "6");
		this.config.put("transaction.state.log.replication.factor", "1");
		this.config.put("transaction.state.log.min.isr", "1");
		this.config.put("group.initial.rebalance.delay.ms", "0");
		this.config.put("auto.create.topics.enable", "false");
	}

	/**
	 * @return {@code 127.0.0.1:port}
	 */
	public String bootstrapServers() {
		return "127.0.0.1:" + this.port;
	}

	/**
	 * Starts the broker, formatting its log directory the first time.
	 * @throws IOException if the directory cannot be prepared
	 */
	public synchronized void start() throws IOException {
		if (this.server != null) {
			return;
		}
		Files.createDirectories(this.logDir);
		if (!Files.exists(this.logDir.resolve("meta.properties"))) {
			Path propsFile = this.logDir.resolveSibling(this.logDir.getFileName() + "-server.properties");
			try (var writer = Files.newBufferedWriter(propsFile)) {
				this.config.store(writer, "kratos-sync local Kafka broker");
			}
			int rc = StorageTool.execute(new String[] { "format", "-t", Uuid.randomUuid().toString(), "-c",
					propsFile.toString(), "--ignore-formatted" }, new PrintStream(OutputStream.nullOutputStream()));
			if (rc != 0) {
				throw new IllegalStateException("formatting Kafka's log directory failed with " + rc);
			}
		}
		this.server = new KafkaRaftServer(KafkaConfig.fromProps(this.config, false), Time.SYSTEM);
		this.server.startup();
	}

	/**
	 * Stops the broker (a controlled shutdown); {@link #start()} brings it back with its
	 * data.
	 */
	public synchronized void stop() {
		if (this.server != null) {
			this.server.shutdown();
			this.server.awaitShutdown();
			this.server = null;
		}
	}

	@Override
	public void close() {
		stop();
	}

}
