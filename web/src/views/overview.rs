//! The overview: the answer to "what did my agents cost, and is anything wrong" on one screen.
//!
//! Top insights first (they are the point of the tool), then the key figures with their change,
//! the timeline, the budget and the spend shares, then the per-agent table and the data-quality
//! report that explain every figure above. Everything is drawn from one filtered report, so
//! each number here equals `agentmeter report --json` with the same filters.

use leptos::prelude::*;

use crate::analysis::Analysis;
use crate::app::Controller;
use crate::route::View;
use crate::ui::banners::Banners;
use crate::ui::budget::Budget;
use crate::ui::donut::Donuts;
use crate::ui::kpis::Kpis;
use crate::ui::plans::PlanSummary;
use crate::ui::quality::Quality;
use crate::ui::sources::SourceTable;
use crate::ui::tables::AgentTable;
use crate::ui::timeline::Timeline;

/// The overview view.
#[component]
pub fn OverviewView(analysis: Analysis) -> impl IntoView {
    let report = analysis.report.clone();
    let ctl = use_context::<Controller>();
    let insights_href = Signal::derive(move || {
        ctl.map(|c| c.route.with(|r| r.with_view(View::Insights).href()))
            .unwrap_or_else(|| "?view=insights".to_owned())
    });
    let plans_href = Signal::derive(move || {
        ctl.map(|c| c.route.with(|r| r.with_view(View::Plans).href()))
            .unwrap_or_else(|| "?view=plans".to_owned())
    });
    let for_plans = analysis.clone();
    view! {
        <div class="view overview" data-testid="view-overview">
            <Banners report=report.clone() insights_href=insights_href />
            <Kpis report=report.clone() />
            <Timeline report=report.clone() />
            <div class="three">
                <Budget report=report.clone() />
                <Donuts report=report.clone() />
            </div>
            <PlanSummary analysis=for_plans plans_href=plans_href />
            <AgentTable report=report.clone() />
            <SourceTable report=report.clone() />
            <Quality report=report />
        </div>
    }
}
