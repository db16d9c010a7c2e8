using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZkDashboard.Web.Api.V1;

/// <summary>
/// Source-generated JSON for the node answers (the API's hot reads and writes). The same settings as the app's HTTP JSON
/// options (<see cref="ApiV1.AddZkDashboardApiV1"/>: web defaults, enums as strings, nulls written), so the answers look
/// exactly as before; they are written without reflection.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(NodeResponse))]
[JsonSerializable(typeof(ChildrenResponse))]
[JsonSerializable(typeof(WriteResponse))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
