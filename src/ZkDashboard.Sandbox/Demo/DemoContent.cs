namespace ZkDashboard.Sandbox.Demo;

/// <summary>Realistic configuration files stored in demo nodes, one per format.</summary>
internal static class DemoContent
{
    public const string AppDescription = """
        {"service":"checkout","owner":"payments-team","environment":"staging","docs":"https://wiki.example.internal/checkout"}
        """;

    public const string SettingsJson = """
        {
          "service": "checkout",
          "version": "2.14.3",
          "http": { "port": 8080, "readTimeoutMs": 5000, "maxConnections": 512 },
          "features": { "newPricingEngine": true, "giftCards": false, "expressCheckoutPercent": 25 },
          "downstream": {
            "inventory": "http://inventory.staging.internal:8080",
            "payments": "https://payments.staging.internal:8443"
          },
          "retry": { "maxAttempts": 3, "backoffMs": [100, 400, 1600] }
        }
        """;

    public const string ApplicationYaml = """
        # checkout service - staging
        server:
          port: 8080
          shutdown: graceful
        spring:
          datasource:
            url: jdbc:postgresql://db-checkout.staging.internal:5432/checkout
            hikari:
              maximum-pool-size: 20
              connection-timeout: 3000
          kafka:
            bootstrap-servers: kafka-1.internal:9092,kafka-2.internal:9092,kafka-3.internal:9092
            consumer:
              group-id: checkout-orders
              auto-offset-reset: earliest
        management:
          endpoints:
            web:
              exposure:
                include: health,info,prometheus
        """;

    public const string Log4j2Xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Configuration status="WARN" monitorInterval="30">
          <Appenders>
            <Console name="Console" target="SYSTEM_OUT">
              <JsonTemplateLayout eventTemplateUri="classpath:EcsLayout.json"/>
            </Console>
            <RollingFile name="File" fileName="/var/log/checkout/app.log" filePattern="/var/log/checkout/app-%d{yyyy-MM-dd}-%i.log.gz">
              <PatternLayout pattern="%d{ISO8601} %-5level [%t] %c{1.} - %msg%n"/>
              <Policies>
                <SizeBasedTriggeringPolicy size="100 MB"/>
              </Policies>
              <DefaultRolloverStrategy max="10"/>
            </RollingFile>
          </Appenders>
          <Loggers>
            <Logger name="com.example.checkout" level="debug" additivity="false">
              <AppenderRef ref="Console"/>
              <AppenderRef ref="File"/>
            </Logger>
            <Root level="info">
              <AppenderRef ref="Console"/>
            </Root>
          </Loggers>
        </Configuration>
        """;

    public const string DatabaseProperties = """
        # Connection pool for the orders database
        db.url=jdbc:postgresql://db-orders.staging.internal:5432/orders
        db.username=orders_app
        db.pool.min=5
        db.pool.max=40
        db.pool.idleTimeoutMs=600000
        db.statementTimeoutMs=15000
        db.readReplica.enabled=true
        db.readReplica.url=jdbc:postgresql://db-orders-ro.staging.internal:5432/orders
        """;

    public const string ZkClientCfg = """
        zookeeper.sasl.client=false
        zookeeper.request.timeout=10000
        jute.maxbuffer=4194304
        """;

    public const string Topology = """
        {"regions":[{"name":"eu-west-1","zones":["a","b","c"],"weight":60},{"name":"us-east-1","zones":["a","b"],"weight":40}]}
        """;
}
