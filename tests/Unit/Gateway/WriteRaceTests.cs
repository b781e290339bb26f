using System.Data.Common;
using System.Net;
using FrontierGateway.Data;
using FrontierGateway.Data.Endpoints;
using FrontierGateway.Data.Entities;
using FrontierGateway.Data.Groups;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FrontierGateway.Tests.Unit.Gateway;

/// <summary>
/// A management write whose save fails after its checks passed: another write got in between (the unique index or
/// the foreign key decides, and the answer is the one the check would have given), or the database failed it for
/// another reason (a 500, not a made-up duplicate).
/// </summary>
public abstract class WriteRaceTests(WriteRaceTests.RaceFactory factory)
{
    public sealed class OnSqlite(SqliteRaces factory) : WriteRaceTests(factory), IClassFixture<SqliteRaces>;

    public sealed class OnPostgres(PostgresRaces factory) : WriteRaceTests(factory), IClassFixture<PostgresRaces>;

    private readonly HttpClient sut = factory.Client();

    private T Service<T>() where T : notnull => factory.Services.GetRequiredService<T>();

    [Fact]
    public async Task CreateGroup_AnotherWithTheSameExternalIdAtOnce_OneIs200_TheOther400Duplicate()
    {
        var other = factory.Race.AlongsideSave(AddedGroup("race-dupe"), () => Service<GroupService>().CreateAsync(new GroupCreateInput(
            new MetadataInput(null, "race-dupe"), [new ModelInput("acme/m", [], [])], new HierarchyInput(null, null)), "test"));

        var response = await sut.PostAsync("/v1/gateway/groups", """
            {"metadata":{"external_entity_id":"race-dupe"},"models":[{"slug":"acme/m"}],"hierarchy":{"parent_group_id":null}}
            """);

        // Hierarchy writes take turns: the other create waits for this one, then finds the id taken.
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("duplicate", (await Assert.ThrowsAsync<DomainException>(() => other)).Code);
        Assert.Equal(1, await factory.QueryAsync(db => db.Groups.CountAsync(g => g.ExternalEntityId == "race-dupe")));
    }

    [Fact]
    public async Task CreateChild_ParentDeletedAtOnce_NoGroupIsLeftLiveUnderADeletedOne()
    {
        var parent = await sut.CreateGroupAsync("race-parent");
        var other = factory.Race.AlongsideSave(AddedGroup("race-orphan"), () => Service<GroupService>().DeleteAsync(parent, "test"));

        var response = await sut.PostAsync("/v1/gateway/groups", $$"""
            {"metadata":{"external_entity_id":"race-orphan"},"models":[{"slug":"acme/m"}],"hierarchy":{"parent_group_id":"{{parent}}" } }
            """);
        await other;

        // The delete waited for the create and took the new child with its parent.
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(0, await factory.QueryAsync(db => db.Groups.IgnoreQueryFilters()
            .CountAsync(g => g.DeletedAt == null && g.ParentGroupId == parent)));
    }

    [Fact]
    public async Task MintKey_GroupDeletedAtOnce_TheKeyIsNotLeftLive()
    {
        var group = await sut.CreateGroupAsync("race-mint");
        var other = factory.Race.AlongsideSave(db => db.ChangeTracker.Entries<CustomerApiKey>()
            .Any(e => e.State == EntityState.Added && e.Entity.GroupId == group), () => Service<GroupService>().DeleteAsync(group, "test"));

        var response = await sut.PostAsync($"/v1/gateway/groups/{group}/api_keys", "{}");
        await other;

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(0, await factory.QueryAsync(db => db.CustomerApiKeys.IgnoreQueryFilters()
            .CountAsync(k => k.GroupId == group && k.RevokedAt == null)));
    }

    [Fact]
    public async Task CreateGroup_DatabaseFailsTheInsert_Is500NotADuplicate()
    {
        factory.Race.FailInsertInto("Groups", Failure(factory.Provider));

        var response = await sut.PostAsync("/v1/gateway/groups", """
            {"metadata":{"external_entity_id":"race-fail"},"models":[{"slug":"acme/m"}],"hierarchy":{"parent_group_id":null}}
            """);

        response.AssertError(HttpStatusCode.InternalServerError, null);
        Assert.Equal(0, await factory.QueryAsync(db => db.Groups.CountAsync(g => g.ExternalEntityId == "race-fail")));
    }

    [Fact]
    public async Task CreateEndpoint_SlugTakenJustBeforeTheSave_Is400Duplicate()
    {
        factory.Race.BeforeSave(AddedEndpoint("race/dupe"), () => Service<EndpointService>().CreateAsync(
            new EndpointInput("race/dupe", [new TargetInput("SIMULATED", null, null, null, null, null)]), "test"));

        var response = await sut.PostAsync("/v1/gateway/endpoints", """{"slug":"race/dupe","targets":[{"provider":"SIMULATED"}]}""");

        response.AssertError(HttpStatusCode.BadRequest, "slug");
        Assert.Equal("duplicate", response.Body!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateEndpoint_DatabaseFailsTheInsert_Is500NotADuplicate()
    {
        factory.Race.FailInsertInto("Endpoints", Failure(factory.Provider));

        var response = await sut.PostAsync("/v1/gateway/endpoints", """{"slug":"race/fail","targets":[{"provider":"SIMULATED"}]}""");

        response.AssertError(HttpStatusCode.InternalServerError, null);
        Assert.Equal(0, await factory.QueryAsync(db => db.Endpoints.CountAsync(e => e.Slug == "race/fail")));
    }

    [Fact]
    public async Task PatchEndpointTargets_AnotherPatchReplacedThemJustBeforeTheSave_ThisPatchComesSecond()
    {
        var (_, created) = await sut.PostAsync("/v1/gateway/endpoints", """{"slug":"race/patch","targets":[{"provider":"SIMULATED"}]}""");
        var id = created!["id"]!.GetValue<string>();
        factory.Race.BeforeSave(ChangedEndpoint(id), () => Service<EndpointService>().PatchAsync(id,
            new EndpointInput(null, [new TargetInput("OPENAI_COMPATIBLE", "http://127.0.0.1:9/first", null, null, null, null)]), "test"));

        var response = await sut.SendAsync(HttpMethod.Patch, $"/v1/gateway/endpoints/{id}",
            """{"targets":[{"provider":"OPENAI_COMPATIBLE","base_url":"http://127.0.0.1:9/second"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var stored = await factory.QueryAsync(db => db.EndpointTargets.Where(t => t.EndpointId == id).Select(t => t.BaseUrl).ToListAsync());
        Assert.Equal(["http://127.0.0.1:9/second"], stored);
    }

    [Fact]
    public async Task PatchEndpoint_DeletedJustBeforeTheSave_Is404()
    {
        var (_, created) = await sut.PostAsync("/v1/gateway/endpoints", """{"slug":"race/gone","targets":[{"provider":"SIMULATED"}]}""");
        var id = created!["id"]!.GetValue<string>();
        factory.Race.BeforeSave(ChangedEndpoint(id), () => Service<EndpointService>().DeleteAsync(id, "test"));

        var response = await sut.SendAsync(HttpMethod.Patch, $"/v1/gateway/endpoints/{id}",
            """{"targets":[{"provider":"OPENAI_COMPATIBLE","base_url":"http://127.0.0.1:9/late"}]}""");

        response.AssertError(HttpStatusCode.NotFound, "id");
        Assert.Equal(0, await factory.QueryAsync(db => db.Endpoints.CountAsync(e => e.Id == id)));
    }

    [Fact]
    public async Task DeleteEndpoint_DeletedJustBeforeTheSave_Is404()
    {
        var (_, created) = await sut.PostAsync("/v1/gateway/endpoints", """{"slug":"race/twice","targets":[{"provider":"SIMULATED"}]}""");
        var id = created!["id"]!.GetValue<string>();
        factory.Race.BeforeSave(ChangedEndpoint(id), () => Service<EndpointService>().DeleteAsync(id, "test"));

        var response = await sut.SendAsync(HttpMethod.Delete, $"/v1/gateway/endpoints/{id}");

        response.AssertError(HttpStatusCode.NotFound, "id");
    }

    private static Func<DbContext, bool> ChangedEndpoint(string id) => db =>
        db.ChangeTracker.Entries<FrontierGateway.Data.Entities.Endpoint>()
            .Any(e => e.State is EntityState.Modified or EntityState.Deleted && e.Entity.Id == id);

    /// <summary>What the database raises for a write it could not make, with no constraint involved.</summary>
    private static DbException Failure(DataProvider provider) => provider == DataProvider.Sqlite
        ? new SqliteException("SQLite Error 5: 'database is locked'.", 5)
        : new PostgresException("canceling statement due to statement timeout", "ERROR", "ERROR", PostgresErrorCodes.QueryCanceled);

    private static Func<DbContext, bool> AddedGroup(string external) => db =>
        db.ChangeTracker.Entries<Group>().Any(e => e.State == EntityState.Added && e.Entity.ExternalEntityId == external);

    private static Func<DbContext, bool> AddedEndpoint(string slug) => db =>
        db.ChangeTracker.Entries<FrontierGateway.Data.Entities.Endpoint>().Any(e => e.State == EntityState.Added && e.Entity.Slug == slug);

    public abstract class RaceFactory(DataProvider provider) : GatewayFactory(provider)
    {
        internal SaveRace Race { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
                services.ConfigureDbContext<FrontierDbContext>(options => options.AddInterceptors(Race)));
        }
    }

    public sealed class SqliteRaces() : RaceFactory(DataProvider.Sqlite);

    public sealed class PostgresRaces() : RaceFactory(DataProvider.Postgres);

    /// <summary>
    /// Once armed, either runs another write just before the save of the unit of work it matches (before its
    /// transaction begins, as a concurrent request's commit would land), or fails the next insert into a table as the
    /// database would (EF Core wraps it in a <see cref="DbUpdateException"/>).
    /// </summary>
    internal sealed class SaveRace : DbCommandInterceptor, ISaveChangesInterceptor
    {
        private Race? before;
        private (string Insert, DbException Failure)? failure;

        public void BeforeSave(Func<DbContext, bool> when, Func<Task> write) => before = new Race(when, write);

        /// <summary>
        /// Starts <paramref name="write"/> as the matching save begins and gives it 300 ms before the save goes on, as a
        /// concurrent request would; answers the other write's own task.
        /// </summary>
        public Task AlongsideSave(Func<DbContext, bool> when, Func<Task> write)
        {
            var started = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
            before = new Race(when, async () =>
            {
                started.SetResult(Task.Run(write));
                await Task.Delay(300);
            });
            return started.Task.Unwrap();
        }

        public void FailInsertInto(string table, DbException e) => failure = ($"INSERT INTO \"{table}\"", e);

        public async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            // Taken before it runs: the other write's own save passes through here too.
            if (before is { } race && race.When(eventData.Context!) && Interlocked.CompareExchange(ref before, null, race) == race)
            {
                await race.Write();
            }
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command,
            CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            FailIfArmed(command);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            FailIfArmed(command);
            return ValueTask.FromResult(result);
        }

        private sealed record Race(Func<DbContext, bool> When, Func<Task> Write);

        private void FailIfArmed(DbCommand command)
        {
            if (failure is { } armed && command.CommandText.Contains(armed.Insert, StringComparison.Ordinal))
            {
                failure = null;
                throw armed.Failure;
            }
        }
    }
}
