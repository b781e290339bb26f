using Bunit;
using FrontierGateway.Portal.Components.Shared;

namespace FrontierGateway.Tests.Unit.Portal.Components.Shared;

public sealed class LiveChartTests : PortalTest
{
    private readonly BunitJSModuleInterop module;

    public LiveChartTests()
    {
        module = JSInterop.SetupModule(LiveChart.ModulePath);
        module.SetupVoid("create", _ => true).SetVoidResult();
        module.SetupVoid("update", _ => true).SetVoidResult();
        module.SetupVoid("destroy", _ => true).SetVoidResult();
    }

    private static ChartData Data(params double?[] values) => new(1_000_000, 1000, [new ChartSeries("Requests/s", values)]);

    private IRenderedComponent<LiveChart> Render(ChartData data) =>
        Render<LiveChart>(p => p.Add(c => c.Label, "Requests per second").Add(c => c.Data, data)
            .Add(c => c.Kind, ChartKind.Line).Add(c => c.Unit, "req/s"));

    [Fact]
    public void FirstRender_ImportsTheModuleAndCreatesTheChartWithItsData()
    {
        var data = Data(0, 1);

        var sut = Render(data);

        var create = module.VerifyInvoke("create");
        create.Arguments[0].ShouldBeElementReferenceTo(sut.Find("figure > div"));
        Assert.Same(data, create.Arguments[2]);
        Assert.Equal("Requests per second", sut.Find("figure").GetAttribute("aria-label"));
        module.VerifyNotInvoke("update");
    }

    [Fact]
    public void NewData_IsPushedToTheSameChart_WithoutCreatingItAgain()
    {
        var sut = Render(Data(0, 1));
        var next = Data(1, 5);

        sut.Render(p => p.Add(c => c.Data, next));

        module.VerifyInvoke("create", calledTimes: 1);
        Assert.Same(next, module.VerifyInvoke("update").Arguments[1]);
    }

    [Fact]
    public void SameData_RenderedAgain_IsNotPushed()
    {
        var data = Data(0, 1);
        var sut = Render(data);

        sut.Render(p => p.Add(c => c.Data, data));

        module.VerifyNotInvoke("update");
    }

    [Fact]
    public async Task Dispose_DestroysTheChart()
    {
        var sut = Render(Data(0));
        var element = sut.Find("figure > div");

        await DisposeComponentsAsync();

        module.VerifyInvoke("destroy").Arguments[0].ShouldBeElementReferenceTo(element);
    }
}
